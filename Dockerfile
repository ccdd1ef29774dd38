# pypiwatch image. The jar is built inside, so no JDK is needed on the host:
#   docker build -t pypiwatch .   (docker-compose.yml does this)
# Tags are pinned (Ubuntu-based Temurin: its curl serves the HEALTHCHECK); ComposeFileTest checks
# that they stay pinned and that the port and user fit config/docker.yaml.

FROM eclipse-temurin:17.0.19_10-jdk-noble AS build
WORKDIR /src
# Wrapper and POM first: the layer of dependencies is rebuilt when they change, not on every source
# edit (the build plugins come with the package step).
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -q dependency:resolve
COPY src src
RUN ./mvnw -B -q package -DskipTests

FROM eclipse-temurin:17.0.19_10-jre-noble
# A fixed uid, so files on bind mounts get a predictable owner; data/ is where the embedded broker
# writes when the image runs without an external Kafka.
RUN useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin pypiwatch \
    && mkdir -p /app/data \
    && chown pypiwatch:pypiwatch /app/data
WORKDIR /app
COPY --from=build /src/target/pypiwatch.jar /app/pypiwatch.jar
COPY config /app/config
USER pypiwatch
# The status server (http.port); /health answers 200 while the event loop runs.
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["curl", "-fsS", "-o", "/dev/null", "http://localhost:8080/health"]
ENTRYPOINT ["java", "-jar", "/app/pypiwatch.jar"]
CMD ["run", "--config", "/app/config/docker.yaml"]
