package org.roster.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on loopback between Roster and a server of its, that can go silent without closing
 * anything: the network between them as a client sees it in a partition, or when the server's host
 * is gone in a failover. A silenced connection is never relayed again and never closed: what the
 * client sends is taken and dropped, and no answer ever comes, so a client waiting for one waits for
 * as long as it lets itself. No packet filter is needed (none is on every machine the tests run on).
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    /** While set, every connection is silent, the ones accepted meanwhile included. */
    private volatile boolean silent;
    private volatile boolean closed;

    private TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "tcp-proxy-" + server.getLocalPort());
        accept.setDaemon(true);
        accept.start();
    }

    /** A relay to {@code port} on loopback, listening on a free loopback port of its own. */
    public static TcpProxy to(int port) {
        try {
            return new TcpProxy(port);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The network goes silent: every open connection, and every one made from now on, until {@link #failover}. */
    public void silence() {
        silent = true;
        links.forEach(l -> l.dead = true);
    }

    /**
     * The server is reachable again, as after a failover: connections made from now on are relayed,
     * the ones silenced stay silent for good (their server is gone; nobody tells the client). Their
     * sessions on the server end, as they would with the old server: what they had not committed is
     * rolled back and their locks are let go.
     */
    public void failover() {
        links.stream().filter(l -> l.dead).forEach(Link::closeUpstream);
        silent = false;
    }

    /**
     * The partition heals: connections made from now on are relayed; the ones silenced stay silent for
     * good, and their sessions live on at the server, as ghosts whose client is gone (a server notices
     * only through its TCP keepalive), with whatever locks they held.
     */
    public void heal() {
        silent = false;
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Link link = new Link(client, silent);
                links.add(link);
                if (!link.dead) {
                    link.connect(targetPort);
                }
                link.start();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        links.forEach(Link::close);
    }

    /** One client's connection, and the server's if it is relayed. */
    private static final class Link {
        final Socket client;
        volatile Socket upstream;
        volatile boolean dead;

        Link(Socket client, boolean dead) {
            this.client = client;
            this.dead = dead;
        }

        void connect(int port) throws IOException {
            upstream = new Socket(InetAddress.getLoopbackAddress(), port);
        }

        void start() {
            pump(client, true);
            if (upstream != null) {
                pump(upstream, false);
            }
        }

        /** Copies what {@code from} sends to the other end while the link lives; drops it once it is silent. */
        private void pump(Socket from, boolean fromClient) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[16 * 1024];
                try (InputStream in = from.getInputStream()) {
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        Socket to = fromClient ? upstream : client;
                        if (!dead && to != null) {
                            OutputStream out = to.getOutputStream();
                            out.write(buffer, 0, n);
                            out.flush();
                        }
                    }
                } catch (IOException e) {
                    // one end went away
                }
                if (!dead) {
                    close();
                } else if (fromClient) {
                    closeClient(); // a client that gave up closes its end; the server is not told
                }
            }, "tcp-proxy-pump");
            t.setDaemon(true);
            t.start();
        }

        void closeClient() {
            quietly(client);
        }

        void closeUpstream() {
            quietly(upstream);
        }

        void close() {
            quietly(client);
            quietly(upstream);
        }

        private static void quietly(Socket s) {
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }
}
