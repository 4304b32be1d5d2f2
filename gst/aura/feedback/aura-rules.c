/* AURA — coaching rules. See aura-rules.h; targets and their sources are in
 * docs/coaching.md. */
#include "aura-rules.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HISTORY 1024            /* intervals kept for the windowed rules */
#define MIN_SPEECH_FOR_RATE 20.0        /* s of speech before a per-minute rate */
#define MIN_SPREAD_INTERVALS 8
#define SPEAKING_RATIO 0.5      /* an interval counts as speaking above this */

typedef struct
{
  double end, speech, loudness;
  unsigned pauses, fillers;
  int speaking;
} Past;

typedef struct
{
  int condition;                /* 1 true, 0 false, -1 unknown this step */
  double true_since, false_since;
  int fired, due, praise_due;
  double fired_at;
  double value, low, high;
  double bad_value;             /* value the last time the condition held */
} RuleState;

struct AuraRules
{
  AuraTargets t;
  AuraHysteresis h;
  RuleState rule[AURA_N_RULES];
  Past past[HISTORY];
  unsigned past_n, past_pos;
  double monologue;             /* s of speech since the last pause */
  AuraCue live;
  int has_live;
  double measured[AURA_N_CATEGORIES], problem[AURA_N_CATEGORIES];
  double rule_time[AURA_N_RULES];
  unsigned fired_count[AURA_N_RULES];
  double speech_time;
};

static const struct
{
  const char *code, *praise;
  AuraCategory category;
  AuraSeverity severity;
} rule_info[AURA_N_RULES] = {
  {"pace.too-fast", "pace.good", AURA_CATEGORY_PACE, AURA_SEVERITY_WARNING},
  {"pace.too-slow", "pace.good", AURA_CATEGORY_PACE, AURA_SEVERITY_TIP},
  {"pace.rushed", "pace.good", AURA_CATEGORY_PACE, AURA_SEVERITY_TIP},
  {"pauses.too-few", "pauses.good", AURA_CATEGORY_PAUSES, AURA_SEVERITY_TIP},
  {"pauses.too-long", "pauses.good", AURA_CATEGORY_PAUSES, AURA_SEVERITY_TIP},
  {"volume.too-quiet", "volume.good", AURA_CATEGORY_VOLUME,
      AURA_SEVERITY_WARNING},
  {"volume.too-loud", "volume.good", AURA_CATEGORY_VOLUME,
      AURA_SEVERITY_WARNING},
  {"volume.inconsistent", "volume.good", AURA_CATEGORY_VOLUME,
      AURA_SEVERITY_TIP},
  {"monotony.flat", "monotony.good", AURA_CATEGORY_MONOTONY,
      AURA_SEVERITY_TIP},
  {"fillers.too-many", "fillers.good", AURA_CATEGORY_FILLERS,
      AURA_SEVERITY_TIP},
  {"clarity.noisy", "clarity.good", AURA_CATEGORY_CLARITY,
      AURA_SEVERITY_TIP},
  {"clarity.clipping", "clarity.good", AURA_CATEGORY_CLARITY,
      AURA_SEVERITY_WARNING},
  {"talk-time.monologue", "talk-time.good", AURA_CATEGORY_TALK_TIME,
      AURA_SEVERITY_TIP},
};

static const char *category_names[AURA_N_CATEGORIES] = {
  "pace", "pauses", "volume", "monotony", "fillers", "clarity", "talk-time"
};

const char *
aura_rule_code (AuraRuleId rule)
{
  return rule < AURA_N_RULES ? rule_info[rule].code : NULL;
}

const char *
aura_rule_praise_code (AuraRuleId rule)
{
  return rule < AURA_N_RULES ? rule_info[rule].praise : NULL;
}

AuraCategory
aura_rule_category (AuraRuleId rule)
{
  return rule_info[rule].category;
}

const char *
aura_category_name (AuraCategory c)
{
  return c < AURA_N_CATEGORIES ? category_names[c] : NULL;
}

const char *
aura_severity_name (AuraSeverity s)
{
  return s == AURA_SEVERITY_WARNING ? "warning" :
      s == AURA_SEVERITY_TIP ? "tip" : "info";
}

void
aura_hysteresis_default (AuraHysteresis * out)
{
  out->hold = 5.0;
  out->recover = 5.0;
  out->cooldown = 60.0;
  out->display = 4.0;
  out->window = 60.0;
}

AuraRules *
aura_rules_new (const AuraTargets * targets, const AuraHysteresis * hysteresis)
{
  AuraRules *r = calloc (1, sizeof (AuraRules));
  int i;

  if (r == NULL)
    return NULL;
  for (i = 0; i < AURA_N_RULES; i++)
    r->rule[i].true_since = r->rule[i].false_since = -1.0;
  r->t = *targets;
  if (hysteresis)
    r->h = *hysteresis;
  else
    aura_hysteresis_default (&r->h);
  return r;
}

void
aura_rules_free (AuraRules * r)
{
  free (r);
}

/* ---- windowed quantities ---------------------------------------------------- */

static void
remember (AuraRules * r, const AuraRuleInput * in, int speaking)
{
  Past *p = &r->past[r->past_pos];

  p->end = in->end;
  p->speech = in->speech_ratio * in->duration;
  p->loudness = in->loudness_short_term;
  p->pauses = in->pauses;
  p->fillers = in->fillers;
  p->speaking = speaking;
  r->past_pos = (r->past_pos + 1) % HISTORY;
  if (r->past_n < HISTORY)
    r->past_n++;
}

typedef struct
{
  double speech;
  unsigned pauses, fillers, speaking;
  double loud_sum, loud_sum2;
} Window;

static void
window_sums (const AuraRules * r, double now, Window * w)
{
  unsigned i;

  memset (w, 0, sizeof (*w));
  for (i = 0; i < r->past_n; i++) {
    const Past *p = &r->past[(r->past_pos + HISTORY - 1 - i) % HISTORY];
    if (p->end <= now - r->h.window)
      break;
    w->speech += p->speech;
    w->pauses += p->pauses;
    w->fillers += p->fillers;
    if (p->speaking) {
      w->speaking++;
      w->loud_sum += p->loudness;
      w->loud_sum2 += p->loudness * p->loudness;
    }
  }
}

/* ---- conditions ---------------------------------------------------------- */

static void
set (RuleState * s, int condition, double value, double low, double high)
{
  s->condition = condition;
  s->value = value;
  s->low = low;
  s->high = high;
}

static void
evaluate (AuraRules * r, const AuraRuleInput * in, int speaking)
{
  const AuraTargets *t = &r->t;
  RuleState *s = r->rule;
  Window w;
  int i;

  for (i = 0; i < AURA_N_RULES; i++)
    s[i].condition = -1;
  window_sums (r, in->end, &w);

  if (speaking && in->has_wpm) {
    set (&s[AURA_RULE_PACE_TOO_FAST], in->wpm > t->wpm_high, in->wpm,
        t->wpm_low, t->wpm_high);
    set (&s[AURA_RULE_PACE_TOO_SLOW], in->wpm < t->wpm_low, in->wpm,
        t->wpm_low, t->wpm_high);
  }
  /* syllables per second of speech: fast articulation that long pauses hide
   * from the words per minute */
  if (speaking && in->has_syllable_rate)
    set (&s[AURA_RULE_PACE_RUSHED], in->syllable_rate > t->articulation_high,
        in->syllable_rate, NAN, t->articulation_high);
  if (w.speech >= MIN_SPEECH_FOR_RATE) {
    double per_min = 60.0 * w.pauses / w.speech;
    set (&s[AURA_RULE_PAUSES_TOO_FEW], per_min < t->pauses_per_min_low,
        per_min, t->pauses_per_min_low, NAN);
    per_min = 60.0 * w.fillers / w.speech;
    set (&s[AURA_RULE_FILLERS_TOO_MANY], per_min > t->fillers_per_min_high,
        per_min, NAN, t->fillers_per_min_high);
  }
  if (in->pauses > 0)
    set (&s[AURA_RULE_PAUSES_TOO_LONG], in->longest_pause > t->pause_max,
        in->longest_pause, NAN, t->pause_max);
  if (speaking) {
    set (&s[AURA_RULE_VOLUME_TOO_QUIET],
        in->loudness_short_term < t->loudness_low, in->loudness_short_term,
        t->loudness_low, t->loudness_high);
    set (&s[AURA_RULE_VOLUME_TOO_LOUD],
        in->loudness_short_term > t->loudness_high, in->loudness_short_term,
        t->loudness_low, t->loudness_high);
    set (&s[AURA_RULE_TALK_TIME_MONOLOGUE], r->monologue > t->monologue_max,
        r->monologue, NAN, t->monologue_max);
  }
  if (w.speaking >= MIN_SPREAD_INTERVALS) {
    double n = w.speaking, mean = w.loud_sum / n;
    double var = w.loud_sum2 / n - mean * mean;
    double spread = var > 0.0 ? sqrt (var) : 0.0;
    set (&s[AURA_RULE_VOLUME_INCONSISTENT], spread > t->loudness_spread_max,
        spread, NAN, t->loudness_spread_max);
  }
  if (speaking && in->has_variability)
    set (&s[AURA_RULE_MONOTONY_FLAT],
        in->pitch_variability_st < t->variability_low,
        in->pitch_variability_st, t->variability_low, NAN);
  if (speaking && in->has_snr)
    set (&s[AURA_RULE_CLARITY_NOISY], in->snr_db < t->snr_low, in->snr_db,
        t->snr_low, NAN);
  set (&s[AURA_RULE_CLARITY_CLIPPING], in->clipping > t->clipping_high,
      in->clipping, NAN, t->clipping_high);
}

/* ---- hysteresis -------------------------------------------------------------- */

/* Instantaneous events (one long pause, clipping) need no hold time. */
static int
is_event (AuraRuleId id)
{
  return id == AURA_RULE_PAUSES_TOO_LONG || id == AURA_RULE_CLARITY_CLIPPING;
}

static void
update_state (AuraRules * r, AuraRuleId id, const AuraRuleInput * in)
{
  RuleState *s = &r->rule[id];
  double start = in->end - in->duration;

  /* a fired rule re-arms after the cool-down, whatever the condition does */
  if (s->fired && in->end - s->fired_at >= r->h.cooldown)
    s->fired = 0;
  if (s->condition < 0)
    return;
  /* true_since / false_since: start of the current run, -1 when not in it */
  if (s->condition) {
    s->bad_value = s->value;
    if (s->true_since < 0.0)
      s->true_since = start;
    s->false_since = -1.0;
    r->rule_time[id] += in->duration;
    if (!s->fired && (is_event (id)
            || in->end - s->true_since >= r->h.hold))
      s->due = 1;
  } else {
    if (s->false_since < 0.0)
      s->false_since = start;
    s->true_since = -1.0;
    s->due = 0;
    if (s->fired && in->end - s->false_since >= r->h.recover) {
      s->fired = 0;
      s->praise_due = 1;
    }
  }
}

/* The due problem with the highest severity (rule order breaks ties), else the
 * first due praise. Returns the rule or -1. */
static int
next_due (const AuraRules * r, int *praise)
{
  int i, best = -1;

  for (i = 0; i < AURA_N_RULES; i++)
    if (r->rule[i].due && (best < 0
            || rule_info[i].severity > rule_info[best].severity))
      best = i;
  if (best >= 0) {
    *praise = 0;
    return best;
  }
  for (i = 0; i < AURA_N_RULES; i++)
    if (r->rule[i].praise_due) {
      *praise = 1;
      return i;
    }
  return -1;
}

static void
account (AuraRules * r, const AuraRuleInput * in)
{
  int judged[AURA_N_CATEGORIES] = { 0 }, bad[AURA_N_CATEGORIES] = { 0 };
  int i;

  for (i = 0; i < AURA_N_RULES; i++) {
    AuraCategory c = rule_info[i].category;
    if (r->rule[i].condition >= 0)
      judged[c] = 1;
    if (r->rule[i].condition > 0)
      bad[c] = 1;
  }
  for (i = 0; i < AURA_N_CATEGORIES; i++) {
    if (judged[i])
      r->measured[i] += in->duration;
    if (bad[i])
      r->problem[i] += in->duration;
  }
}

int
aura_rules_step (AuraRules * r, const AuraRuleInput * in, AuraCue * cue)
{
  int speaking = in->speech_ratio >= SPEAKING_RATIO, id, praise = 0, i;

  /* a pause that ended here breaks the monologue; speech extends it */
  if (in->pauses > 0)
    r->monologue = 0.0;
  r->monologue += in->speech_ratio * in->duration;
  r->speech_time += in->speech_ratio * in->duration;
  remember (r, in, speaking);
  evaluate (r, in, speaking);
  for (i = 0; i < AURA_N_RULES; i++)
    update_state (r, (AuraRuleId) i, in);
  account (r, in);

  if (r->has_live && in->end < r->live.until)
    return 0;
  r->has_live = 0;
  id = next_due (r, &praise);
  if (id < 0)
    return 0;

  memset (cue, 0, sizeof (*cue));
  cue->rule = (AuraRuleId) id;
  cue->category = rule_info[id].category;
  cue->praise = praise;
  cue->severity = praise ? AURA_SEVERITY_INFO : rule_info[id].severity;
  cue->value = r->rule[id].value;
  cue->low = r->rule[id].low;
  cue->high = r->rule[id].high;
  cue->time = in->end;
  cue->until = in->end + r->h.display;
  if (praise) {
    r->rule[id].praise_due = 0;
  } else {
    r->rule[id].due = 0;
    r->rule[id].fired = 1;
    r->rule[id].fired_at = in->end;
    r->fired_count[id]++;
    /* fixing this problem is what deserves praise, not an older one */
    r->rule[id].praise_due = 0;
  }
  r->live = *cue;
  r->has_live = 1;
  return 1;
}

int
aura_rules_live (const AuraRules * r, double t, AuraCue * cue)
{
  if (!r->has_live || t >= r->live.until || t < r->live.time)
    return 0;
  *cue = r->live;
  return 1;
}

void
aura_rules_report (const AuraRules * r, AuraRulesReport * out)
{
  double sum = 0.0;
  int i, n = 0;

  memset (out, 0, sizeof (*out));
  for (i = 0; i < AURA_N_CATEGORIES; i++) {
    out->measured_time[i] = r->measured[i];
    if (r->measured[i] <= 0.0) {
      out->score[i] = -1.0;
      continue;
    }
    out->score[i] = 100.0 * (1.0 - r->problem[i] / r->measured[i]);
    sum += out->score[i];
    n++;
  }
  out->overall = n ? sum / n : -1.0;
  for (i = 0; i < AURA_N_RULES; i++) {
    out->fired[i] = r->fired_count[i];
    out->problem_time[i] = r->rule_time[i];
    out->value[i] = r->rule[i].bad_value;
    out->low[i] = r->rule[i].low;
    out->high[i] = r->rule[i].high;
  }
  out->speech_time = r->speech_time;
}

/* ---- built-in targets (docs/coaching.md gives each value and its source) ---- */

typedef struct
{
  const char *profile;
  double wpm_en[2], wpm_fr[2];
  double pauses_per_min, pause_max;
  double loudness[2], spread;
  double variability, fillers, monologue;
} Profile;

static const Profile profiles[] = {
  {"presentation", {130, 165}, {130, 160}, 3.0, 5.0, {-38, -12}, 4.0, 2.0,
      4.0, 60.0},
  {"lecture", {120, 150}, {110, 140}, 3.0, 6.0, {-38, -12}, 4.0, 2.0,
      4.0, 90.0},
  {"conversation", {140, 180}, {130, 170}, 3.0, 3.0, {-38, -12}, 5.0, 2.0,
      6.0, 45.0},
  {"webinar", {140, 180}, {130, 170}, 3.0, 3.0, {-38, -12}, 5.0, 2.0,
      6.0, 45.0},
  {"podcast", {150, 175}, {140, 165}, 3.0, 2.5, {-24, -10}, 3.0, 2.0,
      3.0, 60.0},
  {"broadcast", {150, 175}, {140, 165}, 3.0, 2.5, {-29, -17}, 3.0, 2.0,
      3.0, 60.0},
};

int
aura_targets_builtin (const char *profile, const char *language,
    AuraTargets * out)
{
  unsigned i;
  int fr = language && strncmp (language, "fr", 2) == 0;

  for (i = 0; i < sizeof (profiles) / sizeof (profiles[0]); i++) {
    const Profile *p = &profiles[i];
    if (profile == NULL || strcmp (profile, p->profile) != 0)
      continue;
    out->wpm_low = fr ? p->wpm_fr[0] : p->wpm_en[0];
    out->wpm_high = fr ? p->wpm_fr[1] : p->wpm_en[1];
    /* fluent speech articulates about 4-6 syllables per second */
    out->articulation_high = 6.5;
    out->pauses_per_min_low = p->pauses_per_min;
    out->pause_max = p->pause_max;
    out->loudness_low = p->loudness[0];
    out->loudness_high = p->loudness[1];
    out->loudness_spread_max = p->spread;
    out->variability_low = p->variability;
    out->fillers_per_min_high = p->fillers;
    out->snr_low = 15.0;
    out->clipping_high = 0.001;
    out->monologue_max = p->monologue;
    return 0;
  }
  return -1;
}
