package dev.pypiwatch.testing;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of a Kafka broker (advertised at the proxy's port, so every client
 * connection goes through it) that can lose the answer to a request: once {@link
 * #loseAnswersAfter armed}, the connection that sends the next request of a given API (e.g.
 * {@code EndTxn}) still delivers it, but nothing the broker sends back on that connection reaches
 * the client any more. The broker does the work; the client never hears of it (a network cut at
 * the worst moment).
 */
public final class KafkaProxy implements AutoCloseable {
  /** The API key of {@code EndTxn} (commit or abort a transaction) in the Kafka protocol. */
  public static final short END_TXN = 26;

  private final ServerSocket server;
  private final int brokerPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicInteger armedFor = new AtomicInteger(-1);
  private final AtomicInteger lost = new AtomicInteger();
  private volatile boolean closed;

  private KafkaProxy(ServerSocket server, int brokerPort) {
    this.server = server;
    this.brokerPort = brokerPort;
  }

  /** A proxy listening on {@code port} (localhost) that forwards to the broker on {@code brokerPort}. */
  public static KafkaProxy start(int port, int brokerPort) throws IOException {
    KafkaProxy p = new KafkaProxy(new ServerSocket(port, 50, InetAddress.getLoopbackAddress()), brokerPort);
    Thread t = new Thread(p::accept, "kafka-proxy-accept");
    t.setDaemon(true);
    t.start();
    return p;
  }

  /** The next connection to send a request of {@code apiKey} gets no answers from then on. */
  public void loseAnswersAfter(short apiKey) {
    armedFor.set(apiKey);
  }

  /** How many connections have lost their answers so far. */
  public int connectionsCut() {
    return lost.get();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        Socket broker = new Socket(InetAddress.getLoopbackAddress(), brokerPort);
        sockets.add(client);
        sockets.add(broker);
        AtomicBoolean mute = new AtomicBoolean();
        daemon(() -> requests(client, broker, mute));
        daemon(() -> answers(broker, client, mute));
      } catch (IOException e) {
        if (!closed) {
          throw new IllegalStateException("the proxy stopped accepting", e);
        }
      }
    }
  }

  /** Client to broker, frame by frame (int32 size, then int16 api key first in the header). */
  private void requests(Socket from, Socket to, AtomicBoolean mute) {
    try (DataInputStream in = new DataInputStream(from.getInputStream()); OutputStream out = to.getOutputStream()) {
      while (true) {
        int size = in.readInt();
        byte[] body = new byte[size];
        in.readFully(body);
        short apiKey = (short) (((body[0] & 0xff) << 8) | (body[1] & 0xff));
        if (apiKey == armedFor.get() && armedFor.compareAndSet(apiKey, -1)) {
          mute.set(true);
          lost.incrementAndGet();
        }
        byte[] frame = new byte[4 + size];
        frame[0] = (byte) (size >>> 24);
        frame[1] = (byte) (size >>> 16);
        frame[2] = (byte) (size >>> 8);
        frame[3] = (byte) size;
        System.arraycopy(body, 0, frame, 4, size);
        out.write(frame);
        out.flush();
      }
    } catch (EOFException e) {
      // the client closed its connection
    } catch (IOException e) {
      // either side closed
    } finally {
      closeQuietly(to);
    }
  }

  /** Broker to client, dropped once the connection is muted. */
  private void answers(Socket from, Socket to, AtomicBoolean mute) {
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      for (int n; (n = in.read(buf)) != -1; ) {
        if (!mute.get()) {
          out.write(buf, 0, n);
          out.flush();
        }
      }
    } catch (IOException e) {
      // either side closed
    } finally {
      closeQuietly(to);
    }
  }

  private static void daemon(Runnable r) {
    Thread t = new Thread(r, "kafka-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    sockets.forEach(KafkaProxy::closeQuietly);
  }
}
