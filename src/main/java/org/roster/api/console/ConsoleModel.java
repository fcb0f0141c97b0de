package org.roster.api.console;

import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.roster.api.security.RosterAuthentication;
import org.roster.principals.Principal;
import org.roster.principals.Role;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.ui.Model;
import jakarta.servlet.http.HttpServletRequest;

/** What every console page knows: who is signed in, what their roles let them open, the CSRF token for htmx. */
@ControllerAdvice(basePackageClasses = ConsoleModel.class)
class ConsoleModel {

    /** The signed-in principal as pages use it. */
    record Me(String name, Set<String> roles, @Nullable String identity, boolean reads, boolean operates,
              boolean audits, boolean stewards, boolean admin) {
    }

    private static final Formats FORMATS = new Formats();

    @ModelAttribute
    void common(Model model, HttpServletRequest request) {
        model.addAttribute("fmt", FORMATS);
        if (SecurityContextHolder.getContext().getAuthentication() instanceof RosterAuthentication) {
            Principal p = RosterAuthentication.current();
            Set<String> roles = new TreeSet<>();
            p.roles().forEach(r -> roles.add(r.wire()));
            model.addAttribute("me", new Me(p.name(), roles, p.identity(),
                p.has(Role.STEWARD) || p.has(Role.OPERATOR) || p.has(Role.AUDITOR),
                p.has(Role.OPERATOR), p.has(Role.AUDITOR) || p.has(Role.OPERATOR), p.has(Role.STEWARD), p.has(Role.ADMIN)));
        }
        if (request.getAttribute("_csrf") instanceof CsrfToken csrf) {
            model.addAttribute("csrfHeaders", "{\"" + csrf.getHeaderName() + "\": \"" + csrf.getToken() + "\"}");
        }
    }

    @org.springframework.web.bind.annotation.ExceptionHandler({MorePagesController.NotFound.class,
        MorePagesController.BadInput.class, WorkController.Refusal.class})
    String problem(RuntimeException e, Model model, jakarta.servlet.http.HttpServletResponse response,
                   HttpServletRequest request) {
        common(model, request);
        response.setStatus(e instanceof MorePagesController.NotFound ? 404 : 400);
        model.addAttribute("problem", e.getMessage());
        return "problem";
    }
}
