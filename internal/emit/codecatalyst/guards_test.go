package codecatalyst

import (
	"testing"

	"github.com/actionport/actionport/internal/ir"
)

func TestDecideRepositoryConditions(t *testing.T) {
	repoRef := func(name string) ir.Operand { return ir.Operand{Ref: &ir.Ref{Kind: ir.RefContext, Name: name}} }
	lit := func(s string) ir.Operand { return ir.Operand{Lit: s} }
	cmp := func(op ir.CondOp, l, r ir.Operand) *ir.Cond { return &ir.Cond{Op: op, Left: l, Right: r} }
	other := cmp(ir.CondEq, ir.Operand{Ref: &ir.Ref{Kind: ir.RefEnv, Name: "X"}}, lit("1"))
	guard := cmp(ir.CondEq, repoRef("github.repository"), lit("Acme/Widgets"))
	for _, c := range []struct {
		name string
		in   *ir.Cond
		want string // the result's expression; "<nil>" for no condition
	}{
		{"guard true (case-insensitive)", guard, "<nil>"},
		{"owner differs", cmp(ir.CondNe, repoRef("github.repository_owner"), lit("acme")), "false"},
		{"name", cmp(ir.CondEq, repoRef("github.event.repository.name"), lit("widgets")), "<nil>"},
		{"starts with", cmp(ir.CondStartsWith, repoRef("github.repository"), lit("acme/")), "<nil>"},
		{"and keeps the rest", &ir.Cond{Op: ir.CondAnd, Args: []*ir.Cond{guard, other}}, other.Expr()},
		{"or decided", &ir.Cond{Op: ir.CondOr, Args: []*ir.Cond{other, guard}}, "<nil>"},
		{"not", &ir.Cond{Op: ir.CondNot, Args: []*ir.Cond{guard}}, "false"},
		{"status function kept as always()", &ir.Cond{Op: ir.CondOr, Args: []*ir.Cond{guard, {Op: ir.CondFailure}}}, "always()"},
		{"other references untouched", other, other.Expr()},
		{"github.actor unknown", cmp(ir.CondEq, repoRef("github.actor"), lit("bot")), "github.actor == 'bot'"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := &ir.Workflow{Jobs: []*ir.Job{{ID: "j", Key: "j", If: c.in}}}
			got := decideRepositoryConditions(w, "acme/widgets").Jobs[0].If
			s := "<nil>"
			if got != nil {
				s = got.Expr()
			}
			if s != c.want {
				t.Errorf("got %s, want %s", s, c.want)
			}
			if w.Jobs[0].If != c.in {
				t.Error("the input workflow was modified")
			}
		})
	}
	w := &ir.Workflow{Jobs: []*ir.Job{{ID: "j", Key: "j", If: guard}}}
	if decideRepositoryConditions(w, "") != w {
		t.Error("without a repository the workflow must be returned as is")
	}
}
