package org.roster.policy.internal;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.navigation.CelNavigableExpr;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The worker fields a compiled expression reads: {@code worker.department}, {@code worker['title']}
 * and {@code 'location' in worker} name their field. Any other use of {@code worker} (handed whole to
 * a function, indexed by a computed key) reads what it likes, and adds {@code null}.
 */
public final class WorkerReads {

    private WorkerReads() {
    }

    public static Set<@Nullable String> of(CelAbstractSyntaxTree ast) {
        Set<@Nullable String> fields = new HashSet<>();
        CelNavigableAst.fromAst(ast).getRoot().allNodes()
            .filter(n -> n.expr().getKind() == CelExpr.ExprKind.Kind.IDENT && n.expr().ident().name().equals("worker"))
            .forEach(n -> fields.add(field(n)));
        return fields;
    }

    private static @Nullable String field(CelNavigableExpr worker) {
        Optional<CelNavigableExpr> parent = worker.parent();
        if (parent.isEmpty()) {
            return null;
        }
        CelExpr p = parent.get().expr();
        if (p.getKind() == CelExpr.ExprKind.Kind.SELECT) {
            return p.select().field();
        }
        if (p.getKind() == CelExpr.ExprKind.Kind.CALL && p.call().args().size() == 2) {
            String function = p.call().function();
            int self = function.equals("_[_]") ? 0 : function.equals("@in") ? 1 : -1;
            CelExpr key = self < 0 ? null : p.call().args().get(1 - self);
            if (key != null && p.call().args().get(self).id() == worker.expr().id()
                && key.getKind() == CelExpr.ExprKind.Kind.CONSTANT
                && key.constant().getKind() == CelConstant.Kind.STRING_VALUE) {
                return key.constant().stringValue();
            }
        }
        return null;
    }
}
