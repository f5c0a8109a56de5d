package dev.sidecarinjector.proxy.codec;

/**
 * An HTTP/1.1 message the codec refuses: a head or body framing that does not follow RFC 9112 (answered 400 when a
 * client sent it), or a head over the size limit (431). Carries no stack trace: bad input is not the proxy's defect.
 */
public final class BadMessage extends Exception {

    private final boolean tooLarge;

    BadMessage(String reason) {
        this(reason, false);
    }

    private BadMessage(String reason, boolean tooLarge) {
        super(reason, null, false, false);
        this.tooLarge = tooLarge;
    }

    static BadMessage tooLarge(String what, int limit) {
        return new BadMessage(what + " over " + limit + " bytes", true);
    }

    /** The head was over the size limit, rather than malformed. */
    public boolean tooLarge() {
        return tooLarge;
    }
}
