package ir

import "testing"

func TestSelectExprWithValues(t *testing.T) {
	x := &Ref{Kind: RefInput, Name: "ref", Source: "inputs.ref"}
	y := &Ref{Kind: RefEnv, Name: "Y", Source: "env.Y"}
	isMain := &Cond{Op: CondEq, Left: Operand{Ref: y}, Right: Operand{Lit: "main"}}
	cond := func(c *Cond) string { return c.ExprWith(func(r *Ref) string { return "env.V_" + r.Name }) }
	value := func(o Operand) string { return "env.V_" + o.Ref.Name }
	tests := []struct {
		name  string
		sel   Select
		value func(Operand) string
		want  string
		ok    bool
	}{
		{"default of a value", Select{Cases: []Case{{When: &Cond{Op: CondTruthy, Left: Operand{Ref: x}}, Then: Operand{Ref: x}}}, Else: Operand{Lit: "main"}}, value, "env.V_ref || 'main'", true},
		{"literal choice", Select{Cases: []Case{{When: isMain, Then: Operand{Lit: "prod"}}}, Else: Operand{Lit: "dev"}}, nil, "(env.V_Y == 'main') && 'prod' || 'dev'", true},
		{"value chosen by a condition", Select{Cases: []Case{{When: isMain, Then: Operand{Ref: x}}}, Else: Operand{Lit: "dev"}}, value, "(env.V_Y == 'main') && env.V_ref || 'dev'", true},
		{"value without a renderer", Select{Cases: []Case{{When: isMain, Then: Operand{Ref: x}}}, Else: Operand{Lit: "dev"}}, nil, "", false},
		{"value as the default", Select{Cases: []Case{{When: isMain, Then: Operand{Lit: "prod"}}}, Else: Operand{Ref: x}}, value, "(env.V_Y == 'main') && 'prod' || env.V_ref", true},
		{"empty literal choice", Select{Cases: []Case{{When: isMain, Then: Operand{Lit: ""}}}, Else: Operand{Lit: "dev"}}, value, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tc.sel.ExprWithValues(cond, tc.value)
			if got != tc.want || ok != tc.ok {
				t.Errorf("ExprWithValues = %q, %v; want %q, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestBooleanInput(t *testing.T) {
	w := &Workflow{Inputs: []Input{{Name: "publish", Boolean: true}, {Name: "channel"}}}
	tests := []struct {
		ref  *Ref
		want bool
	}{
		{&Ref{Kind: RefInput, Name: "publish", Source: "inputs.publish"}, true},
		{&Ref{Kind: RefInput, Name: "publish", Source: "!inputs.publish"}, true},
		{&Ref{Kind: RefInput, Name: "publish", Source: "github.event.inputs.publish"}, false}, // a string there
		{&Ref{Kind: RefInput, Name: "channel", Source: "inputs.channel"}, false},
		{&Ref{Kind: RefEnv, Name: "publish", Source: "env.publish"}, false},
		{nil, false},
	}
	for _, tc := range tests {
		if got := w.BooleanInput(tc.ref); got != tc.want {
			t.Errorf("BooleanInput(%+v) = %v, want %v", tc.ref, got, tc.want)
		}
	}
}
