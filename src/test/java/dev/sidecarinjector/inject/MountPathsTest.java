package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class MountPathsTest {

    @Test
    void pathsAreComparedAsGoCleansThem() {
        assertEquals("/var/log/app", MountPaths.normal("/var/log/app/"));
        assertEquals("/var/log/app", MountPaths.normal("/var//log/app"));
        assertEquals("/var/log/app", MountPaths.normal("/var/./log/app"));
        assertEquals("/var/app", MountPaths.normal("/var/log/../app"));
        assertEquals("/", MountPaths.normal("/../"));
        assertEquals("/.hidden", MountPaths.normal("/.hidden"));
        assertEquals("/", MountPaths.normal("/"));
        assertEquals("", MountPaths.normal(""));
    }

    @Test
    void aCleanPathIsNotCopied() {
        var path = "/var/log/app";
        assertSame(path, MountPaths.normal(path));
    }
}
