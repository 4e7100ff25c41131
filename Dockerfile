# syntax=docker/dockerfile:1
# The container image, for those who build with Docker:
#
#   docker build -t vertx-template .
#   docker run --rm -p 8080:8080 vertx-template          # one node, conf/config.json
#
# ./mvnw -Pimage package jib:buildTar builds the same image without a Docker daemon (pom.xml, the
# "image" profile). Both run what bin/run.sh runs: the one runnable jar, with the JVM flags of
# conf/jvm.options, from /app (the application home). ContainerImageTest keeps the two in agreement.

# The runtime's base: a Java 17 JRE, as <image.base> in pom.xml.
ARG BASE_IMAGE=eclipse-temurin:17-jre
ARG BUILD_IMAGE=eclipse-temurin:17-jdk

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
COPY src/main src/main
# The tests run in CI (./mvnw verify), not here; the Maven repository stays in a build cache.
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -Dmaven.test.skip=true package

FROM ${BASE_IMAGE}
WORKDIR /app
COPY conf/ /app/conf/
COPY --from=build /src/target/app.jar /app/app.jar
# Numeric, so Kubernetes' runAsNonRoot can check it; the JVM needs no passwd entry.
USER 10001:10001
# HTTP (http.port), Hazelcast (cluster.port in deploy/kubernetes/config.json) and the metrics
# listener (management.port).
EXPOSE 8080 5701 9464
ENTRYPOINT ["java", "@/app/conf/jvm.options", "-Dapp.home=/app", "-jar", "/app/app.jar"]
