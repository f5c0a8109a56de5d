package dev.sidecarinjector.mesh.compile;

/** Thrown while compiling one resource: the field (a path such as {@code spec.http[0].timeout}), its value and why it is wrong. */
final class InvalidField extends RuntimeException {
    final String field;
    final String value;

    InvalidField(String field, Object value, String message) {
        super(message, null, false, false);
        this.field = field;
        this.value = value == null ? null : String.valueOf(value);
    }
}
