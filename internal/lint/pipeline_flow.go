package lint

import (
	"encoding/json"
	"fmt"
	"regexp"

	"gopkg.in/yaml.v3"
)

// plRef matches #{namespace.VARIABLE} references.
var plRef = regexp.MustCompile(`#\{([A-Za-z0-9@_-]+)\.([A-Za-z0-9@_.-]+)\}`)

// checkPlFlow checks what depends on action order: input artifacts must come
// from an action that runs earlier, namespaces are unique, and #{ns.VAR}
// names a namespace of an earlier action, "variables" (a declared pipeline
// variable) or "codepipeline".
func checkPlFlow(c *checker, actions []*plAction, vars map[string]bool) {
	before := func(a, b *plAction) bool {
		return a.stage < b.stage || (a.stage == b.stage && a.runOrder < b.runOrder)
	}
	namespaces := map[string]*plAction{}
	for _, a := range actions {
		if a.namespace == "" {
			continue
		}
		if prev := namespaces[a.namespace]; prev != nil {
			c.errorf("pl-namespace", a.nsNode, "namespace %q is used by actions %s and %s; namespaces must be unique", a.namespace, prev.name, a.name)
			continue
		}
		namespaces[a.namespace] = a
	}
	producer := map[string]*plAction{}
	// earliest is, for each output artifact name, the action producing it
	// that runs first (a duplicate is reported, but still produces it).
	earliest := map[string]*plAction{}
	for _, a := range actions {
		for i, out := range a.outputNames {
			if e := earliest[out]; e == nil || before(a, e) {
				earliest[out] = a
			}
			if prev := producer[out]; prev != nil {
				c.errorf("pl-duplicate-artifact", a.outputNodes[i], "output artifact %q is already produced by action %s; artifact names must be unique in a pipeline", out, prev.name)
				continue
			}
			producer[out] = a
		}
	}
	for _, a := range actions {
		for _, in := range a.inputs {
			// Some action running before a produces it exactly when the
			// earliest producer does (one map lookup instead of a scan of
			// all actions: 25,000 actions took 10 s).
			if e := earliest[in.Value]; e == nil || !before(e, a) {
				c.errorf("pl-input-artifact", in, "input artifact %q of action %s is not an output artifact of an action that runs before it", in.Value, a.name)
			}
		}
		walkScalars(a.config, func(s *yaml.Node) {
			for _, m := range plRef.FindAllStringSubmatch(s.Value, -1) {
				switch ns, v := m[1], m[2]; {
				case ns == "variables":
					if !vars[v] {
						c.errorf("pl-var-ref", s, "#{variables.%s} names no pipeline variable", v)
					}
				case ns == "codepipeline":
				case namespaces[ns] == nil:
					c.errorf("pl-var-ref", s, "#{%s.%s} names no action namespace", ns, v)
				case !before(namespaces[ns], a):
					c.errorf("pl-var-ref", s, "#{%s.%s}: action %s with namespace %s does not run before %s", ns, v, namespaces[ns].name, ns, a.name)
				}
			}
		})
	}
}

// checkCodeBuildEnv checks the EnvironmentVariables JSON of a CodeBuild action.
func checkCodeBuildEnv(c *checker, a *plAction, cfg object) {
	ev := cfg.get("EnvironmentVariables")
	if a.provider != "CodeBuild" || ev == nil || ev.ShortTag() != "!!str" {
		return
	}
	var vars []struct {
		Name  *string `json:"name"`
		Value *string `json:"value"`
		Type  string  `json:"type"`
	}
	if err := json.Unmarshal([]byte(ev.Value), &vars); err != nil {
		c.errorf("pl-codebuild-env", ev, "EnvironmentVariables must be a JSON array of {name, value, type}: %v", err)
		return
	}
	for i, v := range vars {
		var problem string
		switch {
		case v.Name == nil || v.Value == nil:
			problem = "needs name and value"
		case v.Type != "" && !contains([]string{"PLAINTEXT", "PARAMETER_STORE", "SECRETS_MANAGER"}, v.Type):
			problem = fmt.Sprintf("type %q is not PLAINTEXT, PARAMETER_STORE or SECRETS_MANAGER", v.Type)
		default:
			continue
		}
		c.errorf("pl-codebuild-env", ev, "EnvironmentVariables[%d] %s", i, problem)
	}
}
