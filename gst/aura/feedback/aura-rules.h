/* AURA — coaching rules: from interval measurements to sparse, deterministic
 * cues, with hysteresis, and an end-of-session score per category.
 *
 * Plain C, no GStreamer or GLib types (like the DSP): the element converts each
 * aura-metrics structure to an AuraRuleInput, calls aura_rules_step(), and turns
 * the returned cue into a localized message. Same input, same cues: there is no
 * clock but the stream time of the inputs.
 *
 * Hysteresis, per rule: a condition must hold for `hold` seconds of stream time
 * before its cue fires; a fired rule re-arms only after the condition has been
 * false for `recover` seconds (then it says so, with praise) or after `cooldown`
 * seconds; at most one cue is live at a time (shown for `display` seconds), so a
 * rule that becomes due while another cue is live waits its turn.
 */
#ifndef AURA_RULES_H
#define AURA_RULES_H

#include <stddef.h>

typedef enum
{
  AURA_CATEGORY_PACE,
  AURA_CATEGORY_PAUSES,
  AURA_CATEGORY_VOLUME,
  AURA_CATEGORY_MONOTONY,
  AURA_CATEGORY_FILLERS,
  AURA_CATEGORY_CLARITY,
  AURA_CATEGORY_TALK_TIME,
  AURA_N_CATEGORIES
} AuraCategory;

typedef enum
{
  AURA_SEVERITY_INFO,           /* praise, information */
  AURA_SEVERITY_TIP,
  AURA_SEVERITY_WARNING
} AuraSeverity;

typedef enum
{
  AURA_RULE_PACE_TOO_FAST,
  AURA_RULE_PACE_TOO_SLOW,
  AURA_RULE_PACE_RUSHED,
  AURA_RULE_PAUSES_TOO_FEW,
  AURA_RULE_PAUSES_TOO_LONG,
  AURA_RULE_VOLUME_TOO_QUIET,
  AURA_RULE_VOLUME_TOO_LOUD,
  AURA_RULE_VOLUME_INCONSISTENT,
  AURA_RULE_MONOTONY_FLAT,
  AURA_RULE_FILLERS_TOO_MANY,
  AURA_RULE_CLARITY_NOISY,
  AURA_RULE_CLARITY_CLIPPING,
  AURA_RULE_TALK_TIME_MONOLOGUE,
  AURA_N_RULES
} AuraRuleId;

/* What the rules read from one aura-metrics interval. has_* = 0: not measured. */
typedef struct
{
  double end;                   /* stream time at the end of the interval, s */
  double duration;              /* s */
  double speech_ratio;          /* 0..1 */
  int has_wpm;
  double wpm;
  int has_syllable_rate;
  double syllable_rate;         /* articulation rate, syllables/s of speech */
  unsigned pauses;              /* pauses that ended in the interval */
  double longest_pause;         /* s */
  double loudness_short_term;   /* LUFS (floor -120) */
  int has_variability;
  double pitch_variability_st;
  unsigned fillers;
  int has_snr;
  double snr_db;
  double clipping;              /* 0..1 */
} AuraRuleInput;

/* Targets of one profile and language: the range that counts as good. */
typedef struct
{
  double wpm_low, wpm_high;     /* words per minute */
  double articulation_high;     /* syllables per second of speech */
  double pauses_per_min_low;    /* pauses (>= min-pause) per minute of speech */
  double pause_max;             /* s: a longer pause loses the audience */
  double loudness_low, loudness_high;   /* short-term LUFS while speaking */
  double loudness_spread_max;   /* LU: standard deviation while speaking */
  double variability_low;       /* semitones */
  double fillers_per_min_high;
  double snr_low;               /* dB */
  double clipping_high;         /* fraction of samples */
  double monologue_max;         /* s of speech without a pause */
} AuraTargets;

typedef struct
{
  double hold;                  /* s a condition must hold before it fires */
  double recover;               /* s it must be gone before the rule re-arms */
  double cooldown;              /* s after which a fired rule re-arms anyway */
  double display;               /* s a cue stays live */
  double window;                /* s of speech behind the rate rules */
} AuraHysteresis;

typedef struct
{
  AuraRuleId rule;
  AuraCategory category;
  AuraSeverity severity;
  int praise;                   /* the problem was fixed */
  double value;                 /* the measured value (unit of the rule) */
  double low, high;             /* the target range; NAN where open */
  double time;                  /* stream time it fired, s */
  double until;                 /* stream time it stops being live, s */
} AuraCue;

typedef struct AuraRules AuraRules;

typedef struct
{
  double score[AURA_N_CATEGORIES];      /* 0..100; -1 when never measured */
  double overall;               /* mean of the measured categories */
  unsigned fired[AURA_N_RULES]; /* problem cues per rule */
  double problem_time[AURA_N_RULES];    /* s the condition held */
  double value[AURA_N_RULES];   /* each rule's value when its problem last held */
  double low[AURA_N_RULES], high[AURA_N_RULES]; /* and its targets */
  double measured_time[AURA_N_CATEGORIES];      /* s the category was judged */
  double speech_time;           /* s */
} AuraRulesReport;

AuraRules *aura_rules_new (const AuraTargets * targets,
    const AuraHysteresis * hysteresis);
void aura_rules_free (AuraRules * r);

/* Advances by one interval. Returns 1 and fills @cue when a cue becomes live at
 * this step (problem or praise), 0 otherwise. */
int aura_rules_step (AuraRules * r, const AuraRuleInput * in, AuraCue * cue);

/* The cue live at stream time @t, if any (for a text overlay). */
int aura_rules_live (const AuraRules * r, double t, AuraCue * cue);

void aura_rules_report (const AuraRules * r, AuraRulesReport * out);

const char *aura_rule_code (AuraRuleId rule);   /* "pace.too-fast" */
const char *aura_rule_praise_code (AuraRuleId rule);    /* "pace.good" */
AuraCategory aura_rule_category (AuraRuleId rule);
const char *aura_category_name (AuraCategory c);        /* "pace" */
const char *aura_severity_name (AuraSeverity s);        /* "warning" */

/* Built-in targets of a profile ("presentation", "lecture", "conversation",
 * "webinar", "podcast", "broadcast") and language ("en", "fr"); returns 0 and
 * fills @out, or -1 for an unknown profile (language falls back to "en"). */
int aura_targets_builtin (const char *profile, const char *language,
    AuraTargets * out);
void aura_hysteresis_default (AuraHysteresis * out);

#endif /* AURA_RULES_H */
