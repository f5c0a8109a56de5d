package dev.sidecarinjector.inject;

/** The outcome of {@link InjectionPolicy#decide}: inject, or skip with a reason. */
public sealed interface InjectionDecision {

    /** A sentence saying why, for logs and {@code --explain}. */
    String explanation();

    /** Inject; {@code why} names the label or annotation that opted the pod in. */
    record Inject(String why) implements InjectionDecision {
        @Override
        public String explanation() {
            return "inject: " + why;
        }
    }

    /** Skip; {@code detail} adds the specific value that led here. */
    record Skip(SkipReason reason, String detail) implements InjectionDecision {
        @Override
        public String explanation() {
            return "skip (" + reason.tag() + "): " + reason.message() + (detail.isEmpty() ? "" : " (" + detail + ")");
        }
    }
}
