package org.roster.support;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A snapshot upload that is still being sent, over a socket of its own: the request's head and the
 * file's first part are written at once, the rest when {@link #finish()} is called. Roster holds the
 * import open meanwhile, as it would for an HR system sending a large file slowly.
 */
public final class SlowUpload implements AutoCloseable {

    private final Socket socket;
    private final String rest;

    private SlowUpload(Socket socket, String rest) {
        this.socket = socket;
        this.rest = rest;
    }

    /** Starts {@code POST /api/v1/hr/snapshots?source=} with a CSV body, {@code first} sent now and {@code rest} later. */
    public static SlowUpload start(String baseUrl, String token, String source, String first, String rest) throws IOException {
        URI base = URI.create(baseUrl);
        int length = (first + rest).getBytes(StandardCharsets.UTF_8).length;
        Socket socket = new Socket(base.getHost(), base.getPort());
        socket.getOutputStream().write(("POST /api/v1/hr/snapshots?source=" + source + " HTTP/1.1\r\nHost: " + base.getHost()
            + "\r\nAuthorization: Bearer " + token + "\r\nContent-Type: text/csv\r\nConnection: close\r\nContent-Length: "
            + length + "\r\n\r\n" + first).getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
        return new SlowUpload(socket, rest);
    }

    /** Sends the rest of the file and reads the answer: its status and its JSON body. */
    public Api.Response finish() throws IOException {
        try (socket) {
            socket.getOutputStream().write(rest.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            socket.setSoTimeout(60_000);
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(answer.substring("HTTP/1.1 ".length(), "HTTP/1.1 ".length() + 3));
            int open = answer.indexOf('{');
            String json = open < 0 ? "" : answer.substring(open, answer.lastIndexOf('}') + 1); // a short answer is one chunk
            return new Api.Response(status, "application/json", json);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
