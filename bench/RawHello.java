// The baseline for bench/bench.sh: a raw Vert.x 5 hello server, nothing but vertx-core.
//   java @conf/jvm.options -cp target/app.jar bench/RawHello.java <port> <instances>
// <instances> 0 = one verticle per available core. Prints one "ready:" line once every instance listens.
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;

public class RawHello {
  public static void main(String[] args) {
    // Same logging config as the app (its Main does this), so neither side pays for DEBUG lines.
    if (System.getProperty("logback.configurationFile") == null
        && new java.io.File("conf/logback.xml").canRead()) {
      System.setProperty("logback.configurationFile", "conf/logback.xml");
    }
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    int instances = n > 0 ? n : Runtime.getRuntime().availableProcessors();
    Vertx vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
    vertx.deployVerticle(() -> new VerticleBase() {
          @Override
          public Future<?> start() {
            return vertx.createHttpServer()
                .requestHandler(req -> req.response().putHeader("content-type", "text/plain").end("Hi there"))
                .listen(port);
          }
        }, new DeploymentOptions().setInstances(instances))
        .onSuccess(id -> System.out.println("ready: raw http 0.0.0.0:" + port + ", " + instances
            + " instance(s), transport " + (vertx.isNativeTransportEnabled() ? "epoll" : "nio")))
        .onFailure(err -> { err.printStackTrace(); System.exit(1); });
  }
}
