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

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"roster\"");
        write(request, response, HttpStatus.UNAUTHORIZED,
            e.getMessage() == null || e.getMessage().startsWith("Full authentication")
                ? "a valid bearer token is required" : e.getMessage());
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        write(request, response, HttpStatus.FORBIDDEN, "this token may not do that");
    }

    static void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status,
                              String detail) throws IOException {
        response.setStatus(status.value());
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
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
