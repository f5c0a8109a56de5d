package dev.sidecarinjector.config;

import dev.sidecarinjector.admission.LogConfig;
import dev.sidecarinjector.api.text.RootCause;
import dev.sidecarinjector.ca.CaConfig;
import dev.sidecarinjector.health.MemoryConfig;
import dev.sidecarinjector.http.HttpConfig;
import dev.sidecarinjector.mesh.push.StreamBindException;
import dev.sidecarinjector.mesh.push.StreamConfig;
import dev.sidecarinjector.tls.ServingCertificateException;
import dev.sidecarinjector.tls.ServingCertificateOptions;
import dev.sidecarinjector.tls.TlsConfig;
import io.quarkus.runtime.PreventFurtherStepsException;
import io.quarkus.runtime.QuarkusBindException;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.config.ConfigMappings;
import io.smallrye.config.ConfigValidationException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * What {@code serve} says when the webhook does not start. A setting the configuration refuses is said as kube-inject's
 * {@code --config} says it ({@link ConfigProblems}: the property, its value and what it may be, or the closest known name
 * of one that does not exist), one line on stderr, instead of SmallRye's exception text; a port in use names the port; a
 * file that cannot be read (the serving certificate, most often) names the file, why, and what was reading it; serving
 * files that are not a PEM certificate and key, or a key that is not the certificate's, name both files. Anything else
 * is printed with its stack trace: that is the injector's own failure, not the input's.
 */
public final class StartFailure {

    /** Every configuration mapping of the webhook, whose property names an unknown one is compared with: the injection's, and the server's. */
    static final List<Class<?>> MAPPINGS = Stream.concat(InjectionSettingsFactory.INJECTION_MAPPINGS.stream(), Stream.of(EventConfig.class,
            TemplateConfig.class, StreamConfig.class, CaConfig.class, HttpConfig.class, MemoryConfig.class, TlsConfig.class, LogConfig.class)).toList();

    private StartFailure() {
    }

    /**
     * An exit handler for Quarkus ({@code Quarkus.run(null, handler, args)}): with one, Quarkus reports nothing itself,
     * so this reports a failure to start on {@code err}, then hands the exit to {@code exit} (Quarkus's own).
     */
    public static BiConsumer<Integer, Throwable> reporting(PrintStream err, BiConsumer<Integer, Throwable> exit) {
        return (code, failure) -> {
            if (failure != null) {
                report(failure, err);
            }
            exit.accept(code, failure);
        };
    }

    static void report(Throwable failure, PrintStream err) {
        var root = RootCause.of(failure);
        switch (root) {
            case ConfigValidationException invalid -> err.println("error: invalid configuration: " + ConfigProblems.describe(invalid, mappings()).getMessage());
            case QuarkusBindException bind -> err.println("error: cannot listen on " + bind.getHost() + " port " + bind.getPort()
                    + ": the address is in use or not this machine's " + (bind instanceof StreamBindException
                    ? "(the mesh stream's: injector.mesh.stream.port, injector.mesh.stream.host)" : "(quarkus.http.ssl-port, quarkus.http.host)"));
            case FileSystemException file -> {
                var reading = reading(failure, file);
                err.println("error: cannot start: " + reading + file.getFile() + ": " + why(file)
                        + (reading.contains("certificate") ? " (the serving certificate and key: TLS_CERT_FILE and TLS_KEY_FILE)" : ""));
            }
            case ServingCertificateException serving -> err.println("error: cannot start: " + serving.getMessage());
            case RuntimeException pem when RootCause.any(failure, StartFailure::isServingPairFailure) -> err.println("error: cannot start: the serving certificate and key"
                    + servingFiles() + " are not a PEM certificate and its private key: " + pem.getMessage() + " (TLS_CERT_FILE and TLS_KEY_FILE)");
            case ConfigurationException configuration -> err.println("error: invalid configuration: " + configuration.getMessage());
            case PreventFurtherStepsException stop when stop.getMessage() != null && !stop.getMessage().isEmpty() -> err.println(stop.getMessage());
            default -> {
                // Straight to stderr: a failure early in the start may come before the log's handlers are in place.
                err.println("error: the webhook did not start: " + failure);
                failure.printStackTrace(err);
            }
        }
    }

    /** Quarkus's TLS registry could not make the serving pair of its files (a file that is not PEM, or not the right PEM). */
    private static boolean isServingPairFailure(Throwable cause) {
        return cause.getMessage() != null && cause.getMessage().startsWith("Invalid key/certificate pair configuration");
    }

    /** The serving pair's files, {@code " (tls.crt, tls.key)"}, when the configuration can still say them. */
    private static String servingFiles() {
        try {
            return ServingCertificateOptions.shownFiles(ConfigProvider.getConfig());
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** The message nearest the file's failure that says what was being done, not which file: {@code "... cannot read the key/certificate files: "}. */
    private static String reading(Throwable failure, FileSystemException file) {
        var said = "";
        for (var cause = failure.getCause(); cause != null && cause != file; cause = cause.getCause()) {
            var message = cause.getMessage();
            if (message != null && !message.isBlank() && !message.contains(file.getFile())) {
                said = message.strip() + ": ";
            }
        }
        return said;
    }

    private static String why(FileSystemException file) {
        return switch (file) {
            case NoSuchFileException missing -> "no such file";
            case AccessDeniedException denied -> "permission denied";
            default -> file.getReason() == null ? file.getClass().getSimpleName() : file.getReason();
        };
    }

    private static List<ConfigMappings.ConfigClass> mappings() {
        return MAPPINGS.stream().map(ConfigMappings.ConfigClass::configClass).toList();
    }
}
