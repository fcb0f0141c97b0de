package org.roster.api.security;

import com.unboundid.scim2.common.messages.ErrorResponse;
import com.unboundid.scim2.common.utils.JsonUtils;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes 401 and 403 answers in the error format of the path: the SCIM error schema under
 * {@code /scim}, RFC 7807 problem details elsewhere.
 */
final class ErrorResponses implements AuthenticationEntryPoint, AccessDeniedHandler {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Whether a request is for the console (pages people open in a browser), not an API. */
    static boolean console(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !(path.startsWith("/api/") || path.startsWith("/scim/") || path.startsWith("/access/") || path.startsWith("/ssf/")
            || path.startsWith("/.well-known/") || path.startsWith("/actuator")
            || path.startsWith("/v3/") || path.startsWith("/swagger-ui") || path.startsWith("/oauth2/")
            || path.startsWith("/login/oauth2/"));
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        if (console(request) && request.getHeader(HttpHeaders.AUTHORIZATION) == null) {
            // a person opening a page: to the sign-in page (htmx follows HX-Redirect for partial requests)
            if (request.getHeader("HX-Request") != null) {
                response.setHeader("HX-Redirect", request.getContextPath() + "/login");
                response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            } else {
                response.sendRedirect(request.getContextPath() + "/login");
            }
            return;
        }
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"roster\"");
        write(request, response, HttpStatus.UNAUTHORIZED,
            e.getMessage() == null || e.getMessage().startsWith("Full authentication")
                ? "a valid bearer token is required" : e.getMessage());
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        write(request, response, HttpStatus.FORBIDDEN, console(request)
            ? "your roles do not let you open this page" : "this token may not do that");
    }

    static void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status,
                              String detail) throws IOException {
        response.setStatus(status.value());
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        if (console(request) && request.getHeader(HttpHeaders.AUTHORIZATION) == null) {
            response.setContentType("text/html;charset=UTF-8");
            response.getWriter().write("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Roster: "
                + status.value() + "</title><link rel=\"stylesheet\" href=\"/webjars/picocss__pico/2.1.1/css/pico.min.css\">"
                + "</head><body><main class=\"container\"><h1>" + status.value() + " " + status.getReasonPhrase()
                + "</h1><p id=\"refusal\">" + org.springframework.web.util.HtmlUtils.htmlEscape(detail)
                + "</p><p><a href=\"/\">Back to the dashboard</a></p></main></body></html>");
            return;
        }
        if (request.getRequestURI().startsWith(request.getContextPath() + "/scim/")) {
            ErrorResponse error = new ErrorResponse(status.value());
            error.setDetail(detail);
            response.setContentType("application/scim+json");
            response.getWriter().write(JsonUtils.getObjectWriter().writeValueAsString(error));
        } else {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
            problem.setInstance(java.net.URI.create(request.getRequestURI()));
            response.setContentType("application/problem+json");
            response.getWriter().write(JSON.writeValueAsString(problem));
        }
    }
}
