package translate

import (
	"strings"
	"testing"

	"github.com/actionport/actionport/internal/ir"
)

// TestNativeActions checks when a tool installer becomes its commands and
// what the commands and the job's variables are.
func TestNativeActions(t *testing.T) {
	for _, c := range []struct {
		name, steps, jobEnv string
		// native is the run text of the first step when it became
		// commands (substrings, "|"-separated), "" when it stays an action.
		native string
		// diag is a substring of the native-action diagnostic ("" for none).
		diag string
	}{
		{name: "uv exact version and python", steps: `
      - uses: astral-sh/setup-uv@v6
        with: {version: "0.8.3", python-version: "3.12"}`,
			native: `https://astral.sh/uv/0.8.3/install.sh|UV_UNMANAGED_INSTALL=/usr/local/bin sh`, diag: "became shell commands"},
		{name: "uv latest", steps: `
      - uses: astral-sh/setup-uv@v6`,
			native: `"https://astral.sh/uv/install.sh"`, diag: "became shell commands"},
		{name: "uv range stays", steps: `
      - uses: astral-sh/setup-uv@v6
        with: {version: ">=0.8"}`,
			diag: `version ">=0.8" is a range`},
		{name: "uv unknown input stays", steps: `
      - uses: astral-sh/setup-uv@v6
        with: {activate-environment: true}`,
			diag: "input activate-environment has no command-line equivalent"},
		{name: "uv outputs read stay", steps: `
      - id: uv
        uses: astral-sh/setup-uv@v6
      - run: echo ${{ steps.uv.outputs.uv-version }}`,
			diag: "a later step reads its outputs (uv-version)"},
		{name: "uv cache note", steps: `
      - uses: astral-sh/setup-uv@v6
        with: {enable-cache: true, cache-dependency-glob: uv.lock}`,
			native: "install.sh", diag: "cache-dependency-glob: the target's file cache keeps uv's cache"},
		{name: "uv computed enable-cache stays", steps: `
      - uses: astral-sh/setup-uv@v6
        with: {enable-cache: "${{ github.ref == 'refs/heads/main' }}"}`,
			diag: "enable-cache is computed at run time"},
		{name: "pnpm range through a variable", steps: `
      - uses: pnpm/action-setup@v4
        with: {version: ">=9 <10"}`,
			native: `npm install -g "pnpm@${PNPM_VERSION}"`, diag: "became shell commands"},
		{name: "pnpm expression through a variable", steps: `
      - uses: pnpm/action-setup@v4
        with: {version: "${{ github.head_ref }}"}`,
			native: `"pnpm@${PNPM_VERSION}"`},
		{name: "pnpm from package.json and install", steps: `
      - uses: pnpm/action-setup@v4
        with: {run_install: true}`,
			native: `packageManager|pnpm install`},
		{name: "pnpm install options stay", steps: `
      - uses: pnpm/action-setup@v4
        with:
          run_install: |
            - args: [--frozen-lockfile]`,
			diag: "run_install lists install options"},
		{name: "terraform version", steps: `
      - uses: hashicorp/setup-terraform@v3
        with: {terraform_version: 1.9.8}`,
			native: `releases.hashicorp.com/terraform/1.9.8/terraform_1.9.8_linux_${tf_arch}.zip|-d /usr/local/bin`},
		{name: "terraform latest", steps: `
      - uses: hashicorp/setup-terraform@v3`,
			native: `checkpoint-api.hashicorp.com|${tf_version}`},
		{name: "terraform wrapper outputs read stay", steps: `
      - uses: hashicorp/setup-terraform@v3
      - id: plan
        run: terraform plan
      - run: echo "${{ steps.plan.outputs.stdout }}"`,
			diag: "reads the outputs the action's wrapper gives"},
		{name: "terraform wrapper off", steps: `
      - uses: hashicorp/setup-terraform@v3
        with: {terraform_wrapper: false}
      - id: plan
        run: terraform plan
      - run: echo "${{ steps.plan.outputs.stdout }}"`,
			native: "unzip"},
		{name: "sam latest", steps: `
      - uses: aws-actions/setup-sam@v2
        with: {use-installer: true}`,
			native: `releases/latest/download/aws-sam-cli-linux-${sam_arch}.zip|"$sam_dir/sam/install" --update`},
		{name: "sam version", steps: `
      - uses: aws-actions/setup-sam@v2
        with: {version: 1.142.1}`,
			native: `releases/download/v1.142.1/aws-sam-cli-linux-${sam_arch}.zip`},
		{name: "ecr login with its registry output", steps: `
      - id: ecr
        uses: aws-actions/amazon-ecr-login@v2
      - run: docker push ${{ steps.ecr.outputs.registry }}/app`,
			native: `docker login --username AWS --password-stdin "$registry"|echo "registry=$registry" >> "$GITHUB_OUTPUT"`, diag: `became shell commands (step "Log in to Amazon ECR")`},
		{name: "ecr login password output stays", steps: `
      - id: ecr
        uses: aws-actions/amazon-ecr-login@v2
      - run: echo ${{ steps.ecr.outputs.docker_password_123456789012_dkr_ecr_us_east_1_amazonaws_com }}`,
			diag: "a later step reads its outputs (docker_password_"},
		{name: "ecr public stays", steps: `
      - uses: aws-actions/amazon-ecr-login@v2
        with: {registry-type: public}`,
			diag: "registry-type is not private"},
		{name: "another action keeps the job on the runner", steps: `
      - uses: hashicorp/setup-terraform@v3
      - uses: some/other-action@v1`},
		{name: "matrix runtime: commands, the action kept for an emitter", steps: `
      - uses: pnpm/action-setup@v4
        with: {version: 9.15.0}
      - uses: actions/setup-node@v4
        with: {node-version: "${{ matrix.node }}"}`,
			native: `npm install -g "pnpm@9.15.0"`},
		{name: "uv python-version over the job's variable", jobEnv: "UV_PYTHON: python3.11", steps: `
      - uses: astral-sh/setup-uv@v6
        with: {python-version: "3.12"}`,
			native: "install.sh"},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n"
			if c.jobEnv != "" {
				src += "    env:\n      " + c.jobEnv + "\n"
			}
			src += "    strategy:\n      matrix:\n        node: [20]\n    steps:" + c.steps + "\n"
			w, diags := Translate("w.yml", []byte(src), Options{})
			if w == nil || len(w.Jobs) != 1 {
				t.Fatalf("no job: %v", diags)
			}
			j := w.Jobs[0]
			first := j.Steps[0]
			if c.native == "" {
				if first.Kind != ir.StepAction {
					t.Errorf("step became commands:\n%s", first.Run.Raw)
				}
				if !j.UsesActions {
					t.Error("UsesActions is false with an action left")
				}
			} else {
				if first.Kind != ir.StepRun {
					t.Fatalf("step stayed %s", first.Uses)
				}
				for _, want := range strings.Split(c.native, "|") {
					if !strings.Contains(first.Run.Raw, want) {
						t.Errorf("commands lack %q:\n%s", want, first.Run.Raw)
					}
				}
				if j.UsesActions {
					t.Error("UsesActions is true with no action left")
				}
				if first.Replaces == nil || first.Replaces.Kind != ir.StepAction || first.Replaces.Uses == "" {
					t.Errorf("Replaces does not hold the action: %+v", first.Replaces)
				}
			}
			var got []string
			for _, d := range diags {
				if d.Rule == ruleNativeAction {
					got = append(got, d.Message)
				}
			}
			switch {
			case c.diag == "" && c.native == "" && len(got) > 0:
				t.Errorf("unexpected diagnostics %q", got)
			case c.diag != "" && !strings.Contains(strings.Join(got, "\n"), c.diag):
				t.Errorf("diagnostics %q lack %q", got, c.diag)
			}
		})
	}
}

// TestNativeUVJob checks what setup-uv gives the job besides its
// commands: python-version becomes the job variable UV_PYTHON unless the
// job sets it, and uv's cache directory is cached unless enable-cache is false.
func TestNativeUVJob(t *testing.T) {
	for _, c := range []struct {
		name, jobEnv, with    string
		python, later, caches string
	}{
		{"defaults", "", "{}", "", "", "~/.cache/uv"},
		{"python version", "", "{python-version: '3.12'}", "3.12", "", "~/.cache/uv"},
		{"over the job's variable in later steps", "    env: {UV_PYTHON: python3.11}\n", "{python-version: '3.12'}", "python3.11", "3.12", "~/.cache/uv"},
		{"no cache", "", "{enable-cache: false}", "", "", ""},
		{"python cache", "", "{enable-cache: auto, cache-python: true}", "", "", "~/.cache/uv ~/.local/share/uv/python"},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n" + c.jobEnv + "    steps:\n      - run: uv --version\n      - uses: astral-sh/setup-uv@v6\n        with: " + c.with + "\n      - run: uv sync\n"
			w, diags := Translate("w.yml", []byte(src), Options{})
			if w == nil || len(w.Jobs) != 1 {
				t.Fatalf("no job: %v", diags)
			}
			j := w.Jobs[0]
			python := ""
			for _, e := range j.Env {
				if e.Name == "UV_PYTHON" {
					python = e.Value.Raw
				}
			}
			later := ""
			for _, e := range j.Steps[2].Env {
				if e.Name == "UV_PYTHON" {
					later = e.Value.Raw
				}
			}
			if len(j.Steps[0].Env) > 0 || later != c.later {
				t.Errorf("first step env %v, last step UV_PYTHON %q; want none, %q", j.Steps[0].Env, later, c.later)
			}
			var caches []string
			for _, ca := range j.Caches {
				caches = append(caches, ca.Paths...)
			}
			if python != c.python || strings.Join(caches, " ") != c.caches {
				t.Errorf("UV_PYTHON %q, caches %q; want %q, %q", python, caches, c.python, c.caches)
			}
		})
	}
}

// TestAllsGreen checks what re-actors/alls-green becomes: which needed
// jobs' results the commands check, and when the action stays.
func TestAllsGreen(t *testing.T) {
	const jobs = `
  a:
    runs-on: ubuntu-latest
    steps: [{run: echo a}]
  b:
    if: github.event_name == 'push'
    runs-on: ubuntu-latest
    steps: [{run: echo b}]
`
	for _, c := range []struct {
		name, needs, with, after string
		// native are substrings of the commands ("|"-separated), "" when the action stays.
		native string
		// absent are substrings the commands must not have ("|"-separated).
		absent string
		// diag is a substring of a diagnostic of the step.
		diag string
	}{
		{name: "jobs that always run: nothing to check", needs: "[a]", with: `{jobs: "${{ toJSON(needs) }}"}`,
			native: `echo "alls-green: success. Required to succeed: a"`, absent: "alls_green=|GITHUB_OUTPUT"},
		{name: "a job that may be skipped is checked", needs: "[a, b]", with: `{jobs: "${{ toJson(needs) }}"}`,
			native: `[ "${RESULT_B}" = success ] || |[ "$alls_green" = success ]`, absent: "RESULT_A"},
		{name: "allowed-skips as JSON", needs: "[a, b]", with: `{jobs: "${{ toJSON(needs) }}", allowed-skips: '["b"]'}`,
			native: "May be skipped: b", absent: "RESULT_B"},
		{name: "allowed-skips separated by commas", needs: "[a, b]", with: `{jobs: "${{ toJSON(needs) }}", allowed-skips: " b , "}`,
			native: "Required to succeed: a. May be skipped: b", absent: "RESULT_B"},
		{name: "allowed-failures is a warning", needs: "[a, b]", with: `{jobs: "${{ toJSON(needs) }}", allowed-failures: a, allowed-skips: b}`,
			native: `echo "alls-green: success. May be skipped: b"`, diag: `job "a" may fail on GitHub (allowed-failures)`},
		{name: "outputs that are read are written", needs: "[a, b]", with: `{jobs: "${{ toJSON(needs) }}"}`,
			after:  `      - run: echo "${{ steps.green.outputs.result }} ${{ steps.green.outputs.success }}"`,
			native: `echo "result=$alls_green" >> "$GITHUB_OUTPUT"|echo "success=$([ "$alls_green" = success ] && echo true || echo false)"`, absent: "failure="},
		{name: "another jobs value stays", needs: "[a]", with: `{jobs: "${{ toJSON(needs.a) }}"}`,
			diag: "jobs is not ${{ toJSON(needs) }}"},
		{name: "computed allowed-skips stays", needs: "[a, b]", with: `{jobs: "${{ toJSON(needs) }}", allowed-skips: "${{ vars.SKIP }}"}`,
			diag: "allowed-skips is computed at run time"},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := "on: [push, pull_request]\njobs:" + jobs + "  check:\n    if: always()\n    needs: " + c.needs +
				"\n    runs-on: ubuntu-latest\n    steps:\n      - id: green\n        uses: re-actors/alls-green@v1\n        with: " + c.with + "\n"
			if c.after != "" {
				src += c.after + "\n"
			}
			w, diags := Translate("w.yml", []byte(src), Options{})
			if w == nil {
				t.Fatalf("no workflow: %v", diags)
			}
			var check *ir.Job
			for _, j := range w.Jobs {
				if j.ID == "check" {
					check = j
				}
			}
			if check == nil {
				t.Fatalf("no check job: %v", diags)
			}
			s := check.Steps[0]
			if c.native == "" {
				if s.Kind != ir.StepAction {
					t.Errorf("step became commands:\n%s", s.Run.Raw)
				}
			} else {
				if s.Kind != ir.StepRun {
					t.Fatalf("step stayed an action: %v", diags)
				}
				for _, want := range strings.Split(c.native, "|") {
					if !strings.Contains(s.Run.Raw, want) {
						t.Errorf("commands lack %q:\n%s", want, s.Run.Raw)
					}
				}
				for _, bad := range strings.Split(c.absent, "|") {
					if bad != "" && strings.Contains(s.Run.Raw, bad) {
						t.Errorf("commands have %q:\n%s", bad, s.Run.Raw)
					}
				}
			}
			if c.diag != "" {
				found := false
				for _, d := range diags {
					found = found || strings.Contains(d.Message, c.diag)
				}
				if !found {
					t.Errorf("no diagnostic with %q: %v", c.diag, diags)
				}
			}
		})
	}
}
