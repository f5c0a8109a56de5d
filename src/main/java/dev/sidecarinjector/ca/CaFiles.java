package dev.sidecarinjector.ca;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Istio's CA layout, from a directory or a Secret: {@value #CA_CERT} (the signing certificate), {@value #CA_KEY}
 * (its key), {@value #CERT_CHAIN} (the chain above it) and {@value #ROOT_CERT}. Each file knows how to name itself
 * in an error: its path, or the Secret and key.
 */
public record CaFiles(String origin, Map<String, String> contents, Function<String, String> whereOf) {

    public static final String CA_CERT = "ca-cert.pem";
    public static final String CA_KEY = "ca-key.pem";
    public static final String CERT_CHAIN = "cert-chain.pem";
    public static final String ROOT_CERT = "root-cert.pem";
    private static final String[] NAMES = {CA_CERT, CA_KEY, CERT_CHAIN, ROOT_CERT};

    public CaFiles {
        contents = Map.copyOf(contents);
    }

    /** The layout's files that exist in the directory (none when the directory does not exist). */
    public static CaFiles directory(Path directory) throws CaSetupException {
        var contents = new HashMap<String, String>();
        for (var name : NAMES) {
            var file = directory.resolve(name);
            try {
                contents.put(name, Files.readString(file, StandardCharsets.UTF_8));
            } catch (NoSuchFileException e) {
                // absent: the reader decides whether it was needed
            } catch (IOException e) {
                throw new CaSetupException(file + ": cannot be read: " + e, e);
            }
        }
        return new CaFiles("directory " + directory, contents, name -> directory.resolve(name).toString());
    }

    /** The layout's keys of a Secret's data, decoded. */
    public static CaFiles secret(String namespace, String name, Map<String, String> decoded) {
        var contents = new HashMap<String, String>();
        for (var key : NAMES) {
            var value = decoded.get(key);
            if (value != null && !value.isBlank()) {
                contents.put(key, value);
            }
        }
        var secret = "Secret " + namespace + "/" + name;
        return new CaFiles(secret, contents, key -> secret + ", key " + key);
    }

    public boolean isEmpty() {
        return contents.isEmpty();
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(contents.get(name));
    }

    public String require(String name) throws CaSetupException {
        var text = contents.get(name);
        if (text == null) {
            throw new CaSetupException(where(name) + ": missing");
        }
        return text;
    }

    public String where(String name) {
        return whereOf.apply(name);
    }
}
