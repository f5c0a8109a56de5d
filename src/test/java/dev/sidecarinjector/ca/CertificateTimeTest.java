package dev.sidecarinjector.ca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Random;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1UTCTime;
import org.bouncycastle.asn1.x509.Time;
import org.junit.jupiter.api.Test;

/** Validity times as RFC 5280 encodes them, byte for byte what Bouncy Castle's own {@code Time(Date)} makes. */
class CertificateTimeTest {

    @Test
    void throughTwoThousandFortyNineAUtcTimeToTheSecond() throws IOException {
        var time = CertificateTime.of(Instant.parse("2026-12-03T05:15:04.789Z"));
        assertInstanceOf(ASN1UTCTime.class, time.toASN1Primitive());
        assertEquals("261203051504Z", text(time));
        assertEquals(Instant.parse("2026-12-03T05:15:04Z"), time.getDate().toInstant());
        assertEquals("491231235959Z", text(CertificateTime.of(Instant.parse("2049-12-31T23:59:59Z"))));
    }

    @Test
    void fromTwoThousandFiftyAndBeforeNineteenFiftyAGeneralizedTime() throws IOException {
        assertInstanceOf(ASN1GeneralizedTime.class, CertificateTime.of(Instant.parse("2050-01-01T00:00:00Z")).toASN1Primitive());
        assertEquals("20500101000000Z", text(CertificateTime.of(Instant.parse("2050-01-01T00:00:00Z"))));
        assertEquals("19491231235959Z", text(CertificateTime.of(Instant.parse("1949-12-31T23:59:59Z"))));
        assertEquals("99991231235959Z", text(CertificateTime.of(CertificateTime.LAST)));
    }

    @Test
    void theSameEncodingAsBouncyCastlesOwn() throws IOException {
        var random = new Random(7);
        var from = Instant.parse("1940-01-01T00:00:00Z").getEpochSecond();
        var to = Instant.parse("2300-01-01T00:00:00Z").getEpochSecond();
        for (var i = 0; i < 2_000; i++) {
            var instant = Instant.ofEpochMilli((from + (long) (random.nextDouble() * (to - from))) * 1000 + random.nextInt(1000));
            assertArrayEquals(new Time(Date.from(instant)).getEncoded(), CertificateTime.of(instant).getEncoded(), instant.toString());
        }
    }

    /** The encoded time's text, as the certificate carries it. */
    private static String text(Time time) throws IOException {
        var der = time.getEncoded();
        return new String(der, 2, der.length - 2, StandardCharsets.US_ASCII);
    }

    @Test
    void pastTheYearNineNineNineNineNoCertificateTime() {
        var tooLate = assertThrows(IllegalArgumentException.class, () -> CertificateTime.of(Instant.parse("+10000-01-01T00:00:00Z")));
        assertEquals("a certificate time is between year 0 and 9999-12-31T23:59:59Z, not +10000-01-01T00:00:00Z", tooLate.getMessage());
    }

    @Test
    void aRootLifetimeEndingPastThatIsRefusedByName() {
        var now = Instant.parse("2026-12-03T00:00:00Z");
        assertDoesNotThrow(() -> ControlPlaneCa.endsInTime("injector.ca.self-signed-root-ttl", Duration.ofDays(3650), now));
        var refused = assertThrows(CaSetupException.class,
                () -> ControlPlaneCa.endsInTime("injector.ca.self-signed-root-ttl", Duration.ofDays(3_000_000), now));
        assertEquals("injector.ca.self-signed-root-ttl: PT72000000H is too long: a certificate's validity ends by 9999-12-31T23:59:59Z", refused.getMessage());
    }
}
