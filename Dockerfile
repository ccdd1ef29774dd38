# Runtime image of pypiwatch. Build the jar first: ./mvnw -B -q package -DskipTests
FROM eclipse-temurin:17-jre
WORKDIR /app
COPY target/pypiwatch.jar /app/pypiwatch.jar
COPY config /app/config
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/pypiwatch.jar"]
CMD ["run", "--config", "/app/config/pypiwatch.yaml"]
