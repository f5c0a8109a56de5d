package dev.sidecarinjector.cli;

/** kube-inject's output held until it passes its size; then it only remembers that it did. */
final class OutputBuffer implements Appendable {
    private final int limit;
    private StringBuilder text = new StringBuilder();

    OutputBuffer(int limit) {
        this.limit = limit;
    }

    @Override
    public Appendable append(CharSequence chars) {
        if (text != null && text.length() + chars.length() > limit) {
            text = null;
        }
        if (text != null) {
            text.append(chars);
        }
        return this;
    }

    @Override
    public Appendable append(CharSequence chars, int start, int end) {
        return append(chars.subSequence(start, end));
    }

    @Override
    public Appendable append(char c) {
        return append(String.valueOf(c));
    }

    boolean overflowed() {
        return text == null;
    }

    String text() {
        return text.toString();
    }
}
