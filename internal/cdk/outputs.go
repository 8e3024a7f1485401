package cdk

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

// StackOutputs are the contents of cdk's --outputs-file: stack → key → value.
type StackOutputs map[string]map[string]string

// ReadOutputs reads an --outputs-file. A missing file gives empty outputs
// (cdk writes none for diff or synth).
func ReadOutputs(path string) (StackOutputs, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return StackOutputs{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading cdk outputs file: %w", err)
	}
	var raw map[string]map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("parsing cdk outputs file %s: %w", path, err)
	}
	out := StackOutputs{}
	for stack, kv := range raw {
		out[stack] = map[string]string{}
		for k, v := range kv {
			if s, ok := v.(string); ok {
				out[stack][k] = s
			} else {
				b, _ := json.Marshal(v)
				out[stack][k] = string(b)
			}
		}
	}
	return out, nil
}

// JSON renders the outputs compactly with sorted keys.
func (o StackOutputs) JSON() string {
	if o == nil {
		o = StackOutputs{}
	}
	b, _ := json.Marshal(o) // maps of strings always marshal
	return string(b)
}

// Markdown renders a Stack | Output | Value table, or "" when empty.
func (o StackOutputs) Markdown() string {
	var rows []string
	stacks := make([]string, 0, len(o))
	for s := range o {
		stacks = append(stacks, s)
	}
	sort.Strings(stacks)
	for _, s := range stacks {
		keys := make([]string, 0, len(o[s]))
		for k := range o[s] {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			rows = append(rows, fmt.Sprintf("| %s | %s | %s |", cell(s), cell(k), cell(o[s][k])))
		}
	}
	if len(rows) == 0 {
		return ""
	}
	return "| Stack | Output | Value |\n| --- | --- | --- |\n" + strings.Join(rows, "\n") + "\n"
}

func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "\n", " ")
	return "`" + strings.ReplaceAll(s, "`", "'") + "`"
}
