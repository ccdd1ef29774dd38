package dev.pypiwatch.testing;

import dev.pypiwatch.kafka.EmbeddedKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The embedded KRaft broker in a JVM of its own, so a test can kill it ({@code kill -9}) and start
 * it again on the same port and data directory while the service under test keeps running. The
 * child runs {@link #main} on the test classpath; it stops by itself when its standard input closes
 * (the test JVM ended), so a failed test leaves no broker behind.
 */
public final class BrokerProcess implements AutoCloseable {
  private static final String READY = "BROKER READY";
  /** Generous: three nodes of a test cluster start together on 2 busy cores, each waiting for a quorum. */
  private static final Duration START = Duration.ofMinutes(3);

  private final Path dataDir;
  private final int port;
  private final Path logDir;
  /** A cluster node's: its cluster id, then its broker settings as {@code key=value}; empty for a single broker. */
  private final List<String> nodeArgs;
  private Process process;
  private Path out;
  private int starts;

  private BrokerProcess(Path dataDir, int port, Path logDir, List<String> nodeArgs) {
    this.dataDir = dataDir;
    this.port = port;
    this.logDir = logDir;
    this.nodeArgs = nodeArgs;
  }

  /**
   * In the child JVM: starts {@link EmbeddedKafka} on {@code args[0]} (data directory) and {@code
   * args[1]} (port), as a node of the cluster {@code args[2]} with the settings {@code key=value}
   * that follow if there are more, says so on standard output, and runs until standard input closes.
   */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    int port = Integer.parseInt(args[1]);
    Map<String, String> settings = new LinkedHashMap<>();
    for (int i = 3; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      settings.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    EmbeddedKafka broker = args.length > 2 ? EmbeddedKafka.startNode(dir, port, args[2], settings)
        : EmbeddedKafka.start(dir, port);
    System.out.println(READY + " " + broker.bootstrapServers());
    System.out.flush();
    while (System.in.read() != -1) {
      // Nothing is sent on stdin: it only tells the child that its parent is alive.
    }
    broker.close();
    System.exit(0);
  }

  /** Starts a broker on a free port keeping its data in {@code dataDir}; logs in {@code logDir}. Blocking. */
  public static BrokerProcess start(Path dataDir, Path logDir) {
    BrokerProcess b = new BrokerProcess(dataDir, EmbeddedKafka.freePort(), logDir, List.of());
    b.launch();
    b.awaitStarted();
    return b;
  }

  /**
   * Launches a node of a multi-node cluster ({@link EmbeddedKafka#startNode}) on {@code port} and
   * returns at once: a node answers only once a quorum of controllers runs, so the nodes of a
   * cluster are launched together, then each {@link #awaitStarted() awaited}.
   */
  public static BrokerProcess launchNode(Path dataDir, int port, Path logDir, String clusterId,
      Map<String, String> settings) {
    List<String> args = new ArrayList<>(List.of(clusterId));
    settings.forEach((k, v) -> args.add(k + "=" + v));
    BrokerProcess b = new BrokerProcess(dataDir, port, logDir, List.copyOf(args));
    b.launch();
    return b;
  }

  /** {@code localhost:PORT}, the same across restarts. */
  public String bootstrapServers() {
    return "localhost:" + port;
  }

  /** The process id of the running broker. */
  public long pid() {
    return process.pid();
  }

  /** Kills the broker without warning (SIGKILL: no flush, no controlled shutdown) and waits for it to be gone. */
  public void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new AssertionError("broker process " + process.pid() + " did not die");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while killing the broker", e);
    }
  }

  /**
   * Freezes the broker ({@code SIGSTOP}): its connections stay open and it answers nothing until
   * {@link #thaw()}, then it handles what was sent meanwhile (a stalled broker, a long GC pause).
   */
  public void freeze() {
    signal("STOP");
  }

  /** Lets a {@link #freeze() frozen} broker go on ({@code SIGCONT}). */
  public void thaw() {
    signal("CONT");
  }

  private void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
      if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run kill -" + name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while signalling the broker", e);
    }
  }

  /** Starts the broker again on the same port and data directory. Blocking. */
  public void restart() {
    if (process.isAlive()) {
      throw new IllegalStateException("the broker still runs");
    }
    launch();
    awaitStarted();
  }

  /** True while the broker's process runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  private void launch() {
    starts++;
    out = logDir.resolve("broker-" + starts + ".out");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // C1 only and the serial collector: a short-lived test broker starts faster on a busy machine.
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-cp", classpath(), BrokerProcess.class.getName(), dataDir.toString(), Integer.toString(port)));
    cmd.addAll(nodeArgs);
    try {
      Files.createDirectories(logDir);
      process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the broker process", e);
    }
  }

  /** Waits until the launched broker says it is ready; AssertionError if it exits first. */
  public void awaitStarted() {
    Path out = this.out;
    Process process = this.process;
    Await.until(() -> {
      if (!process.isAlive()) {
        throw new AssertionError("the broker process exited with " + process.exitValue() + "; see " + out);
      }
      return read(out).contains(READY);
    }, START);
  }

  /** The classpath of this test run (surefire/failsafe put it in a property; java.class.path is a manifest jar). */
  private static String classpath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** Stops the broker (closing its standard input lets it shut down; killed if it takes too long). */
  @Override
  public void close() throws Exception {
    if (process == null || !process.isAlive()) {
      return;
    }
    thaw(); // a frozen broker cannot shut down
    process.getOutputStream().close();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      kill();
    }
  }
}
