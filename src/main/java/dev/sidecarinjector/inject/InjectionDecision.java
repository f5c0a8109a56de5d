package dev.sidecarinjector.inject;

import java.util.List;

/** The outcome of {@link InjectionPolicy#decide}: inject these templates, or skip with a reason. */
public sealed interface InjectionDecision {

    /** A sentence saying why, for logs and {@code --explain}. */
    String explanation();

    /**
     * Inject; {@code why} names the label or annotation that opted the pod in, {@code templates} the templates to
     * apply, in order (their existence is checked against the set in force when they are applied).
     */
    record Inject(String why, List<String> templates) implements InjectionDecision {

        public Inject {
            templates = List.copyOf(templates);
        }

        @Override
        public String explanation() {
            var which = templates.equals(TemplateNames.DEFAULT) ? "" : " (templates " + String.join(", ", templates) + ")";
            return "inject" + which + ": " + why;
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
