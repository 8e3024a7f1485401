package lint

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/actionport/actionport/internal/diag"
)

// cronErr is a problem with a schedule expression.
type cronErr struct {
	sev diag.Severity
	msg string
}

func cronErrorf(format string, args ...any) *cronErr {
	return &cronErr{sev: diag.Error, msg: fmt.Sprintf(format, args...)}
}

// cronField describes one field of an EventBridge cron expression.
type cronField struct {
	name     string
	min, max int
	names    []string // names for min, min+1, ...
}

var cronFields = []cronField{
	{name: "minutes", min: 0, max: 59},
	{name: "hours", min: 0, max: 23},
	{name: "day-of-month", min: 1, max: 31},
	{name: "month", min: 1, max: 12, names: []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
	{name: "day-of-week", min: 1, max: 7, names: []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}},
	{name: "year", min: 1970, max: 2199},
}

// checkCron checks a 6-field EventBridge cron expression (minutes hours
// day-of-month month day-of-week year, UTC): exactly one of day-of-month and
// day-of-week is "?", values and ranges are in bounds, L/W/# only where
// EventBridge allows them. CodeCatalyst runs schedules at least 30 minutes
// apart: minute sets with closer values are a warning.
func checkCron(expr string) *cronErr {
	f := strings.Fields(expr)
	if len(f) != 6 {
		return cronErrorf("want 6 fields (minutes hours day-of-month month day-of-week year), found %d", len(f))
	}
	if (f[2] == "?") == (f[4] == "?") {
		return cronErrorf("exactly one of day-of-month (%s) and day-of-week (%s) must be ?", f[2], f[4])
	}
	var minutes []int
	for i, spec := range f {
		vals, err := cronFields[i].parse(spec)
		if err != nil {
			return cronErrorf("%s field %q: %v", cronFields[i].name, spec, err)
		}
		if i == 0 {
			minutes = vals
		}
	}
	if gap := minGap(minutes, f[1]); gap > 0 && gap < 30 {
		return &cronErr{sev: diag.Warning, msg: fmt.Sprintf("runs %d minutes apart; CodeCatalyst needs at least 30 minutes between scheduled runs", gap)}
	}
	return nil
}

// parse checks one field and returns the values it selects (nil for the
// special forms ?, L, W and #).
func (cf cronField) parse(spec string) ([]int, error) {
	if spec == "?" {
		if cf.name != "day-of-month" && cf.name != "day-of-week" {
			return nil, fmt.Errorf("? is allowed only in day-of-month and day-of-week")
		}
		return nil, nil
	}
	var out []int
	for _, item := range strings.Split(spec, ",") {
		vals, err := cf.item(item)
		if err != nil {
			return nil, err
		}
		out = append(out, vals...)
	}
	return out, nil
}

func (cf cronField) item(item string) ([]int, error) {
	switch {
	case item == "":
		return nil, fmt.Errorf("empty list item")
	case cf.name == "day-of-month" && (item == "L" || item == "LW"):
		return nil, nil
	case cf.name == "day-of-month" && strings.HasSuffix(item, "W"):
		_, err := cf.value(strings.TrimSuffix(item, "W"))
		return nil, err
	case cf.name == "day-of-week" && strings.HasSuffix(item, "L"):
		if item != "L" {
			_, err := cf.value(strings.TrimSuffix(item, "L"))
			return nil, err
		}
		return nil, nil
	case cf.name == "day-of-week" && strings.Contains(item, "#"):
		d, n, _ := strings.Cut(item, "#")
		if _, err := cf.value(d); err != nil {
			return nil, err
		}
		if k, err := strconv.Atoi(n); err != nil || k < 1 || k > 5 {
			return nil, fmt.Errorf("%q: the week number after # must be 1-5", item)
		}
		return nil, nil
	}
	rng, stepText, hasStep := strings.Cut(item, "/")
	step := 1
	if hasStep {
		s, err := strconv.Atoi(stepText)
		if err != nil || s < 1 {
			return nil, fmt.Errorf("%q: increment must be a positive number", item)
		}
		step = s
	}
	lo, hi := cf.min, cf.max
	switch {
	case rng == "*":
	case strings.Contains(rng, "-"):
		a, b, _ := strings.Cut(rng, "-")
		var err error
		if lo, err = cf.value(a); err != nil {
			return nil, err
		}
		if hi, err = cf.value(b); err != nil {
			return nil, err
		}
		if lo > hi {
			return nil, fmt.Errorf("range %q runs backwards", rng)
		}
	default:
		v, err := cf.value(rng)
		if err != nil {
			return nil, err
		}
		lo = v
		if !hasStep {
			hi = v
		}
	}
	var out []int
	for v := lo; v <= hi; v += step {
		out = append(out, v)
	}
	return out, nil
}

// value parses a number or a name (JAN, MON) in the field's bounds.
func (cf cronField) value(s string) (int, error) {
	for i, n := range cf.names {
		if strings.EqualFold(s, n) {
			return cf.min + i, nil
		}
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	if v < cf.min || v > cf.max {
		return 0, fmt.Errorf("%d is outside %d-%d", v, cf.min, cf.max)
	}
	return v, nil
}

// minGap returns the smallest distance in minutes between two runs within
// an hour's minute set, counting the wrap to the next hour when the hours
// field selects more than one hour; 0 if there is only one run an hour.
func minGap(minutes []int, hours string) int {
	set := map[int]bool{}
	for _, m := range minutes {
		set[m] = true
	}
	var ms []int
	for m := 0; m < 60; m++ {
		if set[m] {
			ms = append(ms, m)
		}
	}
	gap := 0
	for i := 1; i < len(ms); i++ {
		if d := ms[i] - ms[i-1]; gap == 0 || d < gap {
			gap = d
		}
	}
	singleHour := !strings.ContainsAny(hours, "*,-/")
	if len(ms) > 0 && !singleHour {
		if d := ms[0] + 60 - ms[len(ms)-1]; d < 60 && (gap == 0 || d < gap) {
			gap = d
		}
	}
	return gap
}
