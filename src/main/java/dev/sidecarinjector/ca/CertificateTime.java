package dev.sidecarinjector.ca;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1UTCTime;
import org.bouncycastle.asn1.x509.Time;

/**
 * A certificate's validity time as RFC 5280 (4.1.2.5) has it: UTCTime through 2049, GeneralizedTime from 2050, in
 * UTC, to the second. Built from its encoding, because Bouncy Castle's {@code Time(Date)} formats the date and parses
 * it back through {@code SimpleDateFormat}, whose first use loads the JDK's locale data: about 20 ms of the start,
 * interpreted, for the control plane's certificate.
 */
final class CertificateTime {

    /** The last time a certificate can hold (GeneralizedTime has four digits for the year). */
    static final Instant LAST = Instant.parse("9999-12-31T23:59:59Z");
    private static final int UTC_TIME = 0x17;
    private static final int GENERALIZED_TIME = 0x18;

    private CertificateTime() {
    }

    static Time of(Instant instant) {
        var utc = instant.atOffset(ZoneOffset.UTC);
        var year = utc.getYear();
        if (year < 0 || instant.isAfter(LAST)) {
            throw new IllegalArgumentException("a certificate time is between year 0 and " + LAST + ", not " + instant);
        }
        var generalized = year < 1950 || year > 2049;
        var text = new StringBuilder(15);
        digits(text, generalized ? year : year % 100, generalized ? 4 : 2);
        digits(text, utc.getMonthValue(), 2);
        digits(text, utc.getDayOfMonth(), 2);
        digits(text, utc.getHour(), 2);
        digits(text, utc.getMinute(), 2);
        digits(text, utc.getSecond(), 2);
        text.append('Z');
        var content = text.toString().getBytes(StandardCharsets.US_ASCII);
        var der = new byte[content.length + 2];
        der[0] = (byte) (generalized ? GENERALIZED_TIME : UTC_TIME);
        der[1] = (byte) content.length;
        System.arraycopy(content, 0, der, 2, content.length);
        return new Time(generalized ? ASN1GeneralizedTime.getInstance(der) : ASN1UTCTime.getInstance(der));
    }

    private static void digits(StringBuilder text, int value, int width) {
        var s = Integer.toString(value);
        text.repeat('0', width - s.length()).append(s);
    }
}
