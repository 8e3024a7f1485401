package lint

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// checkPlTriggers checks V2 triggers: providerType CodeStarSourceConnection,
// gitConfiguration.sourceActionName naming a CodeStarSourceConnection source
// action (when the stages could be read), and push/pullRequest filters with 1-8 glob patterns per list.
func checkPlTriggers(c *checker, n *yaml.Node, actions []*plAction, haveActions bool) {
	items, _ := c.sequence(n, "triggers")
	for i, it := range items {
		what := fmt.Sprintf("triggers[%d]", i)
		t, ok := c.object(it, what, []string{"providerType", "gitConfiguration"}, []string{"providerType", "gitConfiguration"})
		if !ok {
			continue
		}
		if pt := t.get("providerType"); pt != nil {
			c.enum("pl-trigger", pt, "providerType", "CodeStarSourceConnection")
		}
		gc := t.get("gitConfiguration")
		if gc == nil {
			continue
		}
		g, ok := c.object(gc, what+".gitConfiguration", []string{"sourceActionName", "push", "pullRequest"}, []string{"sourceActionName"})
		if !ok {
			continue
		}
		if sa := g.get("sourceActionName"); sa != nil {
			if v, ok := c.str(sa, "sourceActionName"); ok && haveActions {
				checkTriggerSource(c, sa, v, actions)
			}
		}
		if p := g.get("push"); p != nil {
			filters, _ := c.sequence(p, "push")
			checkFilterCount(c, p, "push", len(filters))
			for _, f := range filters {
				fo, ok := c.object(f, "a push filter", []string{"branches", "filePaths", "tags"}, nil)
				if ok {
					checkGlobLists(c, fo)
				}
			}
		}
		if p := g.get("pullRequest"); p != nil {
			filters, _ := c.sequence(p, "pullRequest")
			checkFilterCount(c, p, "pullRequest", len(filters))
			for _, f := range filters {
				fo, ok := c.object(f, "a pullRequest filter", []string{"events", "branches", "filePaths"}, nil)
				if !ok {
					continue
				}
				if ev := fo.get("events"); ev != nil {
					for _, e := range c.strings(ev, "events") {
						c.enum("pl-trigger-events", e, "pull request event", "OPEN", "UPDATED", "CLOSED")
					}
				}
				checkGlobLists(c, fo)
			}
		}
	}
}

func checkFilterCount(c *checker, n *yaml.Node, what string, count int) {
	if count < 1 || count > 3 {
		c.errorf("pl-trigger-filter", n, "%s holds %d filters; 1-3 are allowed", what, count)
	}
}

func checkTriggerSource(c *checker, n *yaml.Node, name string, actions []*plAction) {
	for _, a := range actions {
		if a.name != name {
			continue
		}
		if a.category != "Source" || a.provider != "CodeStarSourceConnection" {
			c.errorf("pl-trigger-source", n, "sourceActionName %q names a %s/%s action, not a CodeStarSourceConnection source action", name, a.category, a.provider)
		}
		return
	}
	c.errorf("pl-trigger-source", n, "sourceActionName %q names no action of the pipeline", name)
}

// checkGlobLists checks {includes, excludes} lists of a filter.
func checkGlobLists(c *checker, f object) {
	for _, k := range []string{"branches", "filePaths", "tags"} {
		v := f.get(k)
		if v == nil {
			continue
		}
		lo, ok := c.object(v, k, []string{"includes", "excludes"}, nil)
		if !ok {
			continue
		}
		if len(lo.fields) == 0 {
			c.errorf("pl-trigger-filter", v, "%s needs includes or excludes", k)
		}
		for _, l := range lo.fields {
			pats := c.strings(l.val, k+"."+l.key.Value)
			if len(pats) < 1 || len(pats) > 8 {
				c.errorf("pl-trigger-filter", l.val, "%s.%s holds %d patterns; 1-8 are allowed", k, l.key.Value, len(pats))
			}
		}
	}
}
