// Package lazyre holds regular expressions that are compiled on first use.
//
// A bounded repetition such as [A-Za-z0-9_-]{1,256} compiles to a program
// with one instruction per repetition: compiled at package initialization,
// a handful of them cost every start of the binary several milliseconds,
// also the runs that never validate what they match.
package lazyre

import (
	"regexp"
	"sync"
)

// Regexp is a regular expression compiled when it is first used.
type Regexp struct {
	expr string
	once sync.Once
	re   *regexp.Regexp
}

// New returns expr as a Regexp; it panics on first use when expr does not
// compile (as regexp.MustCompile does at initialization).
func New(expr string) *Regexp { return &Regexp{expr: expr} }

// MatchString reports whether s contains a match of the expression.
func (r *Regexp) MatchString(s string) bool { return r.compiled().MatchString(s) }

// FindStringSubmatch is regexp.Regexp.FindStringSubmatch.
func (r *Regexp) FindStringSubmatch(s string) []string { return r.compiled().FindStringSubmatch(s) }

func (r *Regexp) compiled() *regexp.Regexp {
	r.once.Do(func() { r.re = regexp.MustCompile(r.expr) })
	return r.re
}
