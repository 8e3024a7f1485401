package translate

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/actionport/actionport/internal/diag"
)

type problem struct {
	sev diag.Severity
	msg string
}

var (
	monthNames = []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}
	dayNames   = []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}
)

// cronField describes one POSIX cron field.
type cronField struct {
	name     string
	min, max int
	names    []string // names[i] stands for min+i
}

var cronFields = [5]cronField{
	{"minute", 0, 59, nil},
	{"hour", 0, 23, nil},
	{"day-of-month", 1, 31, nil},
	{"month", 1, 12, monthNames},
	{"day-of-week", 0, 6, dayNames},
}

// ToEventBridge converts a 5-field POSIX cron (GitHub's schedule syntax, UTC)
// to the 6-field form EventBridge, CodeCatalyst and CodePipeline use:
// "minutes hours day-of-month month day-of-week year", with day-of-week
// numbered 1-7 from Sunday and "?" in one of the two day fields. It returns ""
// when the schedule cannot be expressed, with the problems found, and the
// shortest interval between two runs in minutes.
func ToEventBridge(cron string) (string, []problem, int) {
	f := strings.Fields(cron)
	if len(f) != 5 {
		return "", []problem{{diag.Error, fmt.Sprintf("cron %q has %d fields, want 5 (minute hour day-of-month month day-of-week); fix the schedule", cron, len(f))}}, 0
	}
	sets := make([][]int, 5)
	for i, spec := range f {
		s, err := expandField(spec, cronFields[i])
		if err != nil {
			return "", []problem{{diag.Error, fmt.Sprintf("cron %q: %v", cron, err)}}, 0
		}
		sets[i] = s
	}
	dom, dow := f[2], f[4]
	out := []string{stepForm(f[0], "0"), stepForm(f[1], "0"), "", stepForm(f[3], "1"), "", "*"}
	switch {
	case dom == "*" && dow == "*":
		out[2], out[4] = "*", "?"
	case dow == "*":
		out[2], out[4] = stepForm(dom, "1"), "?"
	case dom == "*":
		d, err := shiftDOW(dow)
		if err != nil {
			return "", []problem{{diag.Error, fmt.Sprintf("cron %q: %v", cron, err)}}, 0
		}
		out[2], out[4] = "?", d
	default:
		return "", []problem{{diag.Error, fmt.Sprintf("cron %q sets both day-of-month and day-of-week (GitHub runs when either matches); EventBridge allows only one. Split it into two schedules", cron)}}, 0
	}
	return strings.Join(out, " "), nil, minInterval(sets[0], sets[1])
}

// stepForm rewrites "*/n" as "start/n", the form EventBridge documents.
func stepForm(spec, start string) string {
	parts := strings.Split(spec, ",")
	for i, p := range parts {
		if rest, ok := strings.CutPrefix(p, "*/"); ok {
			parts[i] = start + "/" + rest
		}
	}
	return strings.Join(parts, ",")
}

// shiftDOW renumbers day-of-week values from POSIX (0-6, Sunday 0 or 7) to
// EventBridge (1-7, Sunday 1); names are kept.
func shiftDOW(spec string) (string, error) {
	var b strings.Builder
	num := ""
	flush := func() error {
		if num == "" {
			return nil
		}
		n, err := strconv.Atoi(num)
		if err != nil {
			return err
		}
		b.WriteString(strconv.Itoa(n%7 + 1))
		num = ""
		return nil
	}
	for i := 0; i < len(spec); i++ {
		c := spec[i]
		if c >= '0' && c <= '9' {
			num += string(c)
			continue
		}
		if err := flush(); err != nil {
			return "", err
		}
		if c == '/' {
			// A step count is not a day: copy it unchanged.
			j := i + 1
			for j < len(spec) && spec[j] >= '0' && spec[j] <= '9' {
				j++
			}
			b.WriteString(spec[i:j])
			i = j - 1
			continue
		}
		b.WriteByte(c)
	}
	if err := flush(); err != nil {
		return "", err
	}
	s := b.String()
	s = strings.ReplaceAll(s, "*/", "1/")
	return s, nil
}

// expandField validates one field and returns the values it matches.
func expandField(spec string, f cronField) ([]int, error) {
	var vals []int
	for _, part := range strings.Split(spec, ",") {
		rng, stepS, hasStep := strings.Cut(part, "/")
		step := 1
		if hasStep {
			n, err := strconv.Atoi(stepS)
			if err != nil || n <= 0 {
				return nil, fmt.Errorf("bad step %q in %s field", stepS, f.name)
			}
			step = n
		}
		lo, hi := f.min, f.max
		if rng != "*" {
			a, b, isRange := strings.Cut(rng, "-")
			var err error
			if lo, err = cronValue(a, f); err != nil {
				return nil, err
			}
			hi = lo
			if isRange {
				if hi, err = cronValue(b, f); err != nil {
					return nil, err
				}
			} else if hasStep {
				hi = f.max
			}
			if hi < lo {
				return nil, fmt.Errorf("range %q runs backwards in %s field", rng, f.name)
			}
		}
		for v := lo; v <= hi; v += step {
			vals = append(vals, v)
		}
	}
	slices.Sort(vals)
	return slices.Compact(vals), nil
}

func cronValue(s string, f cronField) (int, error) {
	if n, err := strconv.Atoi(s); err == nil {
		max := f.max
		if f.name == "day-of-week" {
			max = 7 // 7 is Sunday too
		}
		if n < f.min || n > max {
			return 0, fmt.Errorf("%d is out of range %d-%d in %s field", n, f.min, max, f.name)
		}
		if f.name == "day-of-week" && n == 7 {
			n = 0
		}
		return n, nil
	}
	for i, name := range f.names {
		if strings.EqualFold(s, name) {
			return f.min + i, nil
		}
	}
	return 0, fmt.Errorf("%q is not valid in %s field", s, f.name)
}

// minInterval is the shortest gap in minutes between two runs on a day that runs.
func minInterval(minutes, hours []int) int {
	var times []int
	for _, h := range hours {
		for _, m := range minutes {
			times = append(times, h*60+m)
		}
	}
	if len(times) < 2 {
		return 24 * 60
	}
	best := times[0] + 24*60 - times[len(times)-1]
	for i := 1; i < len(times); i++ {
		best = min(best, times[i]-times[i-1])
	}
	return best
}
