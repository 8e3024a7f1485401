package ir

// EachRef calls f for every reference in the job: env, condition, container
// and service env, outputs, cache keys, AWS credentials, and each step's
// condition, env, run script and inputs.
func (j *Job) EachRef(f func(*Ref)) {
	val := func(v Value) {
		for _, r := range v.Refs() {
			f(r)
		}
	}
	envs := func(l []EnvVar) {
		for _, e := range l {
			val(e.Value)
		}
	}
	cond := func(c *Cond) { c.EachRef(f) }
	envs(j.Env)
	cond(j.If)
	if j.Container != nil {
		envs(j.Container.Env)
	}
	for _, s := range j.Services {
		envs(s.Env)
	}
	for _, o := range j.Outputs {
		val(o.Value)
	}
	for _, c := range j.Caches {
		val(c.Key)
		for _, k := range c.RestoreKeys {
			val(k)
		}
	}
	if j.AWS != nil {
		val(j.AWS.RoleARN)
		val(j.AWS.Region)
	}
	for _, s := range j.Steps {
		cond(s.If)
		envs(s.Env)
		val(s.Run)
		envs(s.With)
	}
}
