# syntax=docker/dockerfile:1
# The webhook image, sidecar-injector: the Quarkus aot-jar on a JRE 25, run as a non-root user.
#   docker build -t sidecar-injector:dev .          (or: make images)
# Commands: serve (the default), kube-inject, selftest (the chart's helm test).

ARG JDK_IMAGE=eclipse-temurin:25-jdk-noble
ARG JRE_IMAGE=eclipse-temurin:25-jre-noble

FROM ${JDK_IMAGE} AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
COPY mesh-api mesh-api
COPY src src
# The BuildKit cache keeps ~/.m2 (Maven itself and the dependencies) across builds. mesh-api (the snapshot schema
# shared with the proxy) is installed first: the webhook depends on it.
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -ntp -f mesh-api/pom.xml -DskipTests install \
 && ./mvnw -B -ntp -DskipTests package \
 && test -f target/quarkus-app/quarkus-run.jar

# A JDK 25 AOT cache (classes loaded and linked, method profiles) from a training run of the packaged webhook on
# the runtime image's own JVM, at the paths it has in the final image: a cache holds only for the same JVM and the
# same jars. It halves the time from start to ready (docs/benchmarks.md); a JVM it does not match says so in one
# warning and starts without it.
FROM ${JRE_IMAGE} AS train
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openssl curl \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/quarkus-app/ /opt/sidecar-injector/
COPY hack/dev-certs.sh hack/aot-train.sh /train/
COPY bench/fixtures/deployment-pod-review.json /train/
RUN AOT_TRAIN_JAVA_OPTS="--sun-misc-unsafe-memory-access=allow -Xmx256m -Djava.util.logging.manager=org.jboss.logmanager.LogManager" \
    /train/aot-train.sh /opt/sidecar-injector /opt/sidecar-injector/app.aot /train/deployment-pod-review.json

FROM ${JRE_IMAGE}
LABEL org.opencontainers.image.title="sidecar-injector" \
      org.opencontainers.image.description="Mutating admission webhook that injects a proxy sidecar"
# A numeric, non-root user, so runAsNonRoot can verify it; the application files stay owned by root.
RUN groupadd --system --gid 10001 injector \
 && useradd --system --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin injector
COPY --from=train --chown=root:root /opt/sidecar-injector/ /opt/sidecar-injector/
USER 10001:10001
# The root filesystem is read-only in the chart; /tmp is a memory-backed volume there. netty-tcnative unpacks
# BoringSSL's library (injector.tls.implementation) into java.io.tmpdir at start and deletes it once loaded; where it
# cannot, the JDK's TLS serves and the start-up log says why.
ENV TLS_CERT_FILE=/etc/sidecar-injector/tls/tls.crt \
    TLS_KEY_FILE=/etc/sidecar-injector/tls/tls.key
EXPOSE 8443
# -XX:NewSize: with the AOT cache no metadata-triggered full collection ever resizes Serial's young generation (sized
# from the small initial heap, about 2 MB), so under load it collected every few milliseconds and promoted early:
# about 20 % more CPU per review on one CPU (docs/benchmarks.md). 12 MB is what it grows to without the cache; 18 MB
# because a young collection costs about the same whatever the young generation's size (root scanning, not copying),
# so fewer of them cost less: 3 to 4 % less CPU per review, for about 5 MiB more RSS under load.
# -XX:-TieredCompilation: C2 alone compiles what the reviews run hot, after the interpreter profiled it. The tiered
# compilers' C1 code (most of it profiled code, kept after C2 replaced it) was 18 MB of the code cache and about 25 MB
# of the RSS under load; the cost is the warm-up (under load the steady rate comes 5 to 10 s later; at a low rate
# reviews run partly interpreted for minutes, a few ms each) and about 0.1 s more to ready (docs/benchmarks.md,
# "One compiler"). -XX:Tier4*: C2 alone still takes its thresholds from these; raised from 5,000 calls to 15,000,
# so that on one CPU it does not compile the code that only runs while starting (with the defaults the start took a
# second longer). bench/webhook.sh runs with the same flags.
ENTRYPOINT ["java", "--sun-misc-unsafe-memory-access=allow", "-XX:MaxRAMPercentage=75", "-XX:NewSize=18m", "-XX:TrimNativeHeapInterval=2000", "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp", \
            "-XX:-TieredCompilation", "-XX:Tier4InvocationThreshold=15000", "-XX:Tier4MinInvocationThreshold=1800", "-XX:Tier4CompileThreshold=45000", "-XX:Tier4BackEdgeThreshold=120000", \
            "-XX:AOTCache=/opt/sidecar-injector/app.aot", \
            "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-jar", "/opt/sidecar-injector/quarkus-run.jar"]
CMD ["serve"]
