/* AURA — sample levels. See aura-levels.h. */
#include "aura-levels.h"

#include <math.h>
#include <string.h>

void
aura_levels_reset (AuraLevels * acc)
{
  memset (acc, 0, sizeof (*acc));
}

void
aura_levels_merge (AuraLevels * into, const AuraLevels * from)
{
  into->sum_squares += from->sum_squares;
  if (from->peak > into->peak)
    into->peak = from->peak;
  into->samples += from->samples;
  into->clipped += from->clipped;
  into->invalid += from->invalid;
}

/* Integer formats cannot hold NaN; one kernel per format, as in `level`. */
/* Four partial sums: one serial chain of double additions would bind the loop
 * (and keep it from vectorising). */
#define DEFINE_CONVERT_INT(name, type, scale)                              \
void                                                                       \
aura_levels_convert_##name (const type * in, size_t n, float *out,         \
    AuraLevels * acc)                                                      \
{                                                                          \
  double sum[4] = { 0.0, 0.0, 0.0, 0.0 };                                  \
  float peak = (float) acc->peak;                                          \
  uint64_t clipped = 0;                                                    \
  size_t i;                                                                \
                                                                           \
  for (i = 0; i < n; i++) {                                                \
    float v = (float) ((double) in[i] * (1.0 / (scale)));                  \
    float a = fabsf (v);                                                   \
    out[i] = v;                                                            \
    sum[i & 3] += (double) v * v;                                          \
    peak = a > peak ? a : peak;                                            \
    clipped += a >= (float) AURA_CLIP_LEVEL;                               \
  }                                                                        \
  acc->sum_squares += (sum[0] + sum[1]) + (sum[2] + sum[3]);               \
  acc->peak = peak;                                                        \
  acc->samples += n;                                                       \
  acc->clipped += clipped;                                                 \
}

DEFINE_CONVERT_INT (s16, int16_t, 32768.0);
DEFINE_CONVERT_INT (s32, int32_t, 2147483648.0);

#define DEFINE_CONVERT_FLOAT(name, type)                                   \
void                                                                       \
aura_levels_convert_##name (const type * in, size_t n, float *out,         \
    AuraLevels * acc)                                                      \
{                                                                          \
  double sum = 0.0;                                                        \
  float peak = (float) acc->peak;                                          \
  uint64_t clipped = 0, invalid = 0;                                       \
  size_t i;                                                                \
                                                                           \
  for (i = 0; i < n; i++) {                                                \
    float v, a;                                                            \
    if (!(fabs ((double) in[i]) <= AURA_MAX_SAMPLE)) {                     \
      /* never let NaN/Inf (or a value beyond float) reach a filter state  \
       * or a result; the comparison is false for NaN */                   \
      out[i] = 0.0f;                                                       \
      invalid++;                                                           \
      continue;                                                            \
    }                                                                      \
    v = (float) in[i];                                                     \
    a = fabsf (v);                                                         \
    out[i] = v;                                                            \
    sum += (double) v * v;                                                 \
    peak = a > peak ? a : peak;                                            \
    clipped += a >= (float) AURA_CLIP_LEVEL;                               \
  }                                                                        \
  acc->sum_squares += sum;                                                 \
  acc->peak = peak;                                                        \
  acc->samples += n - invalid;                                             \
  acc->clipped += clipped;                                                 \
  acc->invalid += invalid;                                                 \
}

DEFINE_CONVERT_FLOAT (f32, float);
DEFINE_CONVERT_FLOAT (f64, double);

double
aura_amplitude_to_db (double x)
{
  double db;

  if (!(x > 0.0))
    return AURA_LEVELS_FLOOR_DB;
  db = 20.0 * log10 (x);
  return db < AURA_LEVELS_FLOOR_DB ? AURA_LEVELS_FLOOR_DB : db;
}

double
aura_levels_rms_db (const AuraLevels * acc)
{
  if (acc->samples == 0)
    return AURA_LEVELS_FLOOR_DB;
  return aura_amplitude_to_db (sqrt (acc->sum_squares / (double) acc->samples));
}

double
aura_levels_peak_db (const AuraLevels * acc)
{
  return aura_amplitude_to_db (acc->peak);
}

double
aura_levels_clip_ratio (const AuraLevels * acc)
{
  if (acc->samples == 0)
    return 0.0;
  return (double) acc->clipped / (double) acc->samples;
}
