package dev.sidecarinjector.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sidecarinjector.inject.InvalidValueException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BodyDeadlineTest {

    @Test
    void aTimeoutThatWouldCutEveryRequestIsRefusedNamingTheProperty() {
        var zero = assertThrows(InvalidValueException.class, () -> new BodyDeadline(() -> Duration.ZERO));
        assertEquals("injector.http.body-timeout: \"0s\" must be at least 1ms", zero.getMessage());
        var negative = assertThrows(InvalidValueException.class, () -> new BodyDeadline(() -> Duration.ofSeconds(-5)));
        assertEquals("injector.http.body-timeout: \"-5s\" must be at least 1ms", negative.getMessage());
    }
}
