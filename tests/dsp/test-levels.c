/* AURA — tests of dsp/aura-levels: conversion and sample statistics. */
#include <gst/check/gstcheck.h>
#include <math.h>

#include "aura-levels.h"

GST_START_TEST (test_s16_scale_peak_and_clipping)
{
  const int16_t in[] = { 0, 16384, -16384, 32767, -32768, 100 };
  float out[6];
  AuraLevels acc;

  aura_levels_reset (&acc);
  aura_levels_convert_s16 (in, 6, out, &acc);
  fail_unless_equals_float (out[1], 0.5f);
  fail_unless_equals_float (out[4], -1.0f);
  fail_unless_equals_int (acc.samples, 6);
  /* both full-scale codes clip, nothing else does */
  fail_unless_equals_int (acc.clipped, 2);
  fail_unless_equals_int (acc.invalid, 0);
  fail_unless (fabs (acc.peak - 1.0) < 1e-9);
  fail_unless (fabs (aura_levels_peak_db (&acc)) < 1e-6);
  fail_unless (fabs (aura_levels_clip_ratio (&acc) - 2.0 / 6.0) < 1e-12);
}

GST_END_TEST;

GST_START_TEST (test_sine_rms)
{
  /* a full cycle sine of amplitude 0.1: RMS = 0.1 / sqrt 2, i.e. -23.01 dBFS */
  float in[4800], out[4800];
  AuraLevels acc;
  int i;

  for (i = 0; i < 4800; i++)
    in[i] = (float) (0.1 * sin (2.0 * M_PI * 1000.0 * i / 48000.0));
  aura_levels_reset (&acc);
  aura_levels_convert_f32 (in, 4800, out, &acc);
  fail_unless (fabs (aura_levels_rms_db (&acc) - (-20.0 - 3.0103)) < 0.01,
      "rms %f", aura_levels_rms_db (&acc));
  fail_unless (fabs (aura_levels_peak_db (&acc) + 20.0) < 0.01);
  fail_unless_equals_int (acc.clipped, 0);
}

GST_END_TEST;

GST_START_TEST (test_s32_and_f64)
{
  const int32_t in32[] = { INT32_MIN, 1073741824 };
  const double in64[] = { -0.25, 1.0 };
  float out[2];
  AuraLevels acc;

  aura_levels_reset (&acc);
  aura_levels_convert_s32 (in32, 2, out, &acc);
  fail_unless_equals_float (out[0], -1.0f);
  fail_unless_equals_float (out[1], 0.5f);
  fail_unless_equals_int (acc.clipped, 1);
  aura_levels_convert_f64 (in64, 2, out, &acc);
  fail_unless_equals_float (out[0], -0.25f);
  fail_unless_equals_int (acc.clipped, 2);
  fail_unless_equals_int (acc.samples, 4);
}

GST_END_TEST;

GST_START_TEST (test_nan_inf_ignored_and_counted)
{
  const float in[] = { 0.5f, NAN, INFINITY, -INFINITY, -0.5f };
  const double in64[] = { NAN, 0.25 };
  float out[5];
  AuraLevels acc;
  int i;

  aura_levels_reset (&acc);
  aura_levels_convert_f32 (in, 5, out, &acc);
  for (i = 0; i < 5; i++)
    fail_unless (isfinite (out[i]));
  fail_unless_equals_float (out[1], 0.0f);
  fail_unless_equals_int (acc.invalid, 3);
  fail_unless_equals_int (acc.samples, 2);
  /* the statistics use only the valid samples: RMS of +-0.5 is 0.5 */
  fail_unless (fabs (aura_levels_rms_db (&acc) - 20.0 * log10 (0.5)) < 1e-6);
  aura_levels_convert_f64 (in64, 2, out, &acc);
  fail_unless_equals_int (acc.invalid, 4);
  fail_unless (isfinite (aura_levels_rms_db (&acc)));
}

GST_END_TEST;

GST_START_TEST (test_silence_and_empty_floor)
{
  const int16_t zeros[64] = { 0 };
  float out[64];
  AuraLevels acc, other;

  aura_levels_reset (&acc);
  fail_unless_equals_float (aura_levels_rms_db (&acc), AURA_LEVELS_FLOOR_DB);
  fail_unless_equals_float (aura_levels_clip_ratio (&acc), 0.0);
  aura_levels_convert_s16 (zeros, 64, out, &acc);
  fail_unless_equals_float (aura_levels_rms_db (&acc), AURA_LEVELS_FLOOR_DB);
  fail_unless_equals_float (aura_levels_peak_db (&acc), AURA_LEVELS_FLOOR_DB);
  fail_unless_equals_float (aura_amplitude_to_db (1e-9), AURA_LEVELS_FLOOR_DB);
  fail_unless_equals_float (aura_amplitude_to_db (NAN), AURA_LEVELS_FLOOR_DB);

  aura_levels_reset (&other);
  other.samples = 10;
  other.clipped = 1;
  other.peak = 0.75;
  aura_levels_merge (&acc, &other);
  fail_unless_equals_int (acc.samples, 74);
  fail_unless_equals_int (acc.clipped, 1);
  fail_unless_equals_float (acc.peak, 0.75);
}

GST_END_TEST;

static Suite *
levels_suite (void)
{
  Suite *s = suite_create ("aura-levels");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_s16_scale_peak_and_clipping);
  tcase_add_test (tc, test_sine_rms);
  tcase_add_test (tc, test_s32_and_f64);
  tcase_add_test (tc, test_nan_inf_ignored_and_counted);
  tcase_add_test (tc, test_silence_and_empty_floor);
  return s;
}

GST_CHECK_MAIN (levels);
