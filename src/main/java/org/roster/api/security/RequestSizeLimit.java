package org.roster.api.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a body larger than the limit: at once when its Content-Length says so, and as soon as the
 * limit is passed while reading a body of unknown length. Nothing is read whole first.
 */
final class RequestSizeLimit extends OncePerRequestFilter {

    private final long defaultLimit;
    private final long snapshotLimit;

    RequestSizeLimit(long defaultLimit, long snapshotLimit) {
        this.defaultLimit = defaultLimit;
        this.snapshotLimit = snapshotLimit;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long limit = request.getRequestURI().equals(request.getContextPath() + org.roster.api.ApiSettings.SNAPSHOT_PATH)
            ? snapshotLimit : defaultLimit;
        if (request.getContentLengthLong() > limit) {
            ErrorResponses.write(request, response, HttpStatus.PAYLOAD_TOO_LARGE,
                "the request body is " + request.getContentLengthLong() + " bytes; at most " + limit + " are accepted");
            return;
        }
        try {
            chain.doFilter(new Limited(request, limit), response);
        } catch (IOException | ServletException e) {
            if (!RequestTooLargeException.causes(e) || response.isCommitted()) {
                throw e;
            }
            ErrorResponses.write(request, response, HttpStatus.PAYLOAD_TOO_LARGE,
                "the request body is larger than " + limit + " bytes");
        }
    }

    private static final class Limited extends HttpServletRequestWrapper {
        private final long limit;
        private ServletInputStream stream;

        Limited(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                ServletInputStream in = super.getInputStream();
                stream = new ServletInputStream() {
                    private long read;

                    @Override
                    public int read() throws IOException {
                        int b = in.read();
                        if (b >= 0 && ++read > limit) {
                            throw new RequestTooLargeException(limit);
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] buf, int off, int len) throws IOException {
                        int n = in.read(buf, off, len);
                        if (n > 0 && (read += n) > limit) {
                            throw new RequestTooLargeException(limit);
                        }
                        return n;
                    }

                    @Override
                    public boolean isFinished() {
                        return in.isFinished();
                    }

                    @Override
                    public boolean isReady() {
                        return in.isReady();
                    }

                    @Override
                    public void setReadListener(ReadListener listener) {
                        in.setReadListener(listener);
                    }
                };
            }
            return stream;
        }
    }
}
