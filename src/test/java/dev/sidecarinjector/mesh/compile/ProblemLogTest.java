package dev.sidecarinjector.mesh.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A resource that stays invalid is reported once; fixed and broken again, it is reported again. */
class ProblemLogTest {

    @Test
    void eachProblemOncePerSpellOfBeingWrong() {
        var timeout = Problem.invalid("VirtualService", "default", "reviews", "spec.http[0].timeout", "10x", "is not a duration");
        var weight = Problem.invalid("VirtualService", "default", "ratings", "spec.http[0].route[0].weight", "-1", "is not between 0 and 100");
        var log = new ProblemLog();
        var lines = new ArrayList<Problem>();
        assertEquals(1, log.report(List.of(timeout), lines::add));
        assertEquals(0, log.report(List.of(timeout), lines::add), "an unchanged problem is not reported again");
        assertEquals(1, log.report(List.of(timeout, weight), lines::add));
        assertEquals(0, log.report(List.of(weight), lines::add));
        assertEquals(1, log.report(List.of(weight, timeout), lines::add), "broken again after a fix: reported again");
        assertEquals(List.of(timeout, weight, timeout), lines);
        assertEquals(List.of(weight, timeout), log.current(), "the last report whole, reported this time or not");
        assertEquals("[{\"kind\":\"VirtualService\",\"namespace\":\"default\",\"name\":\"reviews\",\"field\":\"spec.http[0].timeout\","
                        + "\"value\":\"10x\",\"message\":\"is not a duration\",\"leftOut\":true,"
                        + "\"text\":\"VirtualService default/reviews: spec.http[0].timeout: \\\"10x\\\" is not a duration; the VirtualService is left out\"}]",
                dev.sidecarinjector.api.json.JsonWriter.compact().value(List.of(timeout)).toString());
    }
}
