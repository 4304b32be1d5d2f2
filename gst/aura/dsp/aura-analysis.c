/* AURA — the analysis engine. See aura-analysis.h. */
#include "aura-analysis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aura-resample.h"

/* Input is converted and analysed in blocks of this many frames, so the scratch
 * memory is fixed whatever the size of the caller's buffers. */
#define BLOCK_FRAMES 4096

struct AuraAnalysis
{
  AuraSampleFormat format;
  unsigned rate, channels;
  AuraLoudness *loudness;
  AuraResampler *resampler;
  AuraVad *vad;
  AuraProsody *prosody;
  float *scratch;               /* BLOCK_FRAMES * channels converted samples */
  float *mono;                  /* resampler output for one block */
  size_t mono_cap;
  AuraLevels iv_levels, ses_levels;
  uint64_t iv_frames, ses_frames;
  double ses_m_max, ses_s_max, ses_true_peak;
};

AuraAnalysis *
aura_analysis_new (double min_pause)
{
  AuraAnalysis *a = calloc (1, sizeof (AuraAnalysis));

  if (a == NULL)
    return NULL;
  a->loudness = aura_loudness_new ();
  a->vad = aura_vad_new (AURA_ANALYSIS_RATE, min_pause);
  a->prosody = aura_prosody_new (AURA_ANALYSIS_RATE, AURA_ANALYSIS_PITCH_FLOOR,
      AURA_ANALYSIS_PITCH_CEILING, AURA_ANALYSIS_WINDOW);
  if (a->loudness == NULL || a->vad == NULL || a->prosody == NULL) {
    aura_analysis_free (a);
    return NULL;
  }
  /* prosody follows the VAD frame by frame */
  aura_vad_set_frame_func (a->vad, aura_prosody_frame, a->prosody);
  a->ses_m_max = a->ses_s_max = -INFINITY;
  return a;
}

void
aura_analysis_free (AuraAnalysis * a)
{
  if (a == NULL)
    return;
  aura_loudness_free (a->loudness);
  aura_resampler_free (a->resampler);
  aura_vad_free (a->vad);
  aura_prosody_free (a->prosody);
  free (a->scratch);
  free (a->mono);
  free (a);
}

int
aura_analysis_configure (AuraAnalysis * a, AuraSampleFormat format,
    unsigned rate, unsigned channels, const AuraChannelWeight * weights,
    int true_peak)
{
  AuraResampler *resampler;
  float *scratch, *mono;
  size_t mono_cap;

  if (rate < 8000 || rate > 192000 || channels < 1
      || channels > AURA_LOUDNESS_MAX_CHANNELS)
    return -1;
  resampler = aura_resampler_new (rate, channels, AURA_ANALYSIS_RATE);
  scratch = malloc ((size_t) BLOCK_FRAMES * channels * sizeof (float));
  mono_cap =
      resampler ? aura_resampler_max_output (resampler, BLOCK_FRAMES) : 0;
  mono = malloc (mono_cap * sizeof (float));
  if (resampler == NULL || scratch == NULL || mono == NULL
      || aura_loudness_configure (a->loudness, rate, channels, weights,
          true_peak) != 0) {
    aura_resampler_free (resampler);
    free (scratch);
    free (mono);
    return -1;
  }
  aura_resampler_free (a->resampler);
  free (a->scratch);
  free (a->mono);
  a->resampler = resampler;
  a->scratch = scratch;
  a->mono = mono;
  a->mono_cap = mono_cap;
  a->format = format;
  a->rate = rate;
  a->channels = channels;
  return 0;
}

void
aura_analysis_set_min_pause (AuraAnalysis * a, double min_pause)
{
  if (min_pause > 0.0)
    aura_vad_set_min_pause (a->vad, min_pause);
}

int
aura_analysis_set_pitch_range (AuraAnalysis * a, double floor_hz,
    double ceiling_hz)
{
  return aura_prosody_set_pitch_range (a->prosody, floor_hz, ceiling_hz);
}

int
aura_analysis_set_window (AuraAnalysis * a, double seconds)
{
  return aura_prosody_set_window (a->prosody, seconds);
}

void
aura_analysis_set_time (AuraAnalysis * a, double seconds)
{
  aura_prosody_reset (a->prosody);
  aura_loudness_discont (a->loudness);
  if (a->resampler)
    aura_resampler_reset (a->resampler);
  aura_vad_set_time (a->vad, seconds);
}

static void
convert (AuraAnalysis * a, const void *data, size_t samples)
{
  switch (a->format) {
    case AURA_SAMPLE_S16:
      aura_levels_convert_s16 (data, samples, a->scratch, &a->iv_levels);
      break;
    case AURA_SAMPLE_S32:
      aura_levels_convert_s32 (data, samples, a->scratch, &a->iv_levels);
      break;
    case AURA_SAMPLE_F32:
      aura_levels_convert_f32 (data, samples, a->scratch, &a->iv_levels);
      break;
    case AURA_SAMPLE_F64:
      aura_levels_convert_f64 (data, samples, a->scratch, &a->iv_levels);
      break;
  }
}

static size_t
sample_size (AuraSampleFormat format)
{
  return format == AURA_SAMPLE_S16 ? 2 : format == AURA_SAMPLE_F64 ? 8 : 4;
}

static void
analyse_block (AuraAnalysis * a, size_t frames)
{
  size_t n;

  aura_loudness_add_frames (a->loudness, a->scratch, frames);
  n = aura_resampler_process (a->resampler, a->scratch, frames, a->mono);
  /* prosody needs the samples before the VAD's frames refer to them */
  aura_prosody_push (a->prosody, a->mono, n);
  aura_vad_process (a->vad, a->mono, n);
  a->iv_frames += frames;
  a->ses_frames += frames;
}

void
aura_analysis_process (AuraAnalysis * a, const void *data, size_t frames)
{
  const unsigned char *bytes = data;
  size_t stride = sample_size (a->format) * a->channels;

  if (a->resampler == NULL)
    return;                     /* not configured */
  while (frames > 0) {
    size_t take = frames < BLOCK_FRAMES ? frames : BLOCK_FRAMES;
    convert (a, bytes, take * a->channels);
    analyse_block (a, take);
    bytes += take * stride;
    frames -= take;
  }
}

void
aura_analysis_silence (AuraAnalysis * a, size_t frames)
{
  if (a->resampler == NULL)
    return;
  /* silence through the loudness meter keeps its windows honest (the momentary
   * loudness falls as it would on a real silent signal); the VAD is told directly */
  memset (a->scratch, 0, (size_t) BLOCK_FRAMES * a->channels * sizeof (float));
  aura_vad_silence (a->vad,
      (size_t) ((double) frames * AURA_ANALYSIS_RATE / a->rate + 0.5));
  a->iv_frames += frames;
  a->ses_frames += frames;
  while (frames > 0) {
    size_t take = frames < BLOCK_FRAMES ? frames : BLOCK_FRAMES;
    aura_loudness_add_frames (a->loudness, a->scratch, take);
    frames -= take;
  }
}

void
aura_analysis_finish (AuraAnalysis * a)
{
  aura_vad_finish (a->vad);
  aura_prosody_finish (a->prosody);
}

void
aura_analysis_take_interval (AuraAnalysis * a, AuraIntervalResult * out)
{
  AuraLoudnessInterval li;

  memset (out, 0, sizeof (*out));
  out->frames = a->iv_frames;
  out->levels = a->iv_levels;
  out->momentary_lufs = aura_loudness_momentary (a->loudness);
  out->short_term_lufs = aura_loudness_short_term (a->loudness);
  out->has_integrated = aura_loudness_integrated (a->loudness,
      &out->integrated_lufs);
  out->has_range = aura_loudness_range (a->loudness, &out->range_lu);
  aura_loudness_take_interval (a->loudness, &li);
  out->true_peak = li.true_peak;
  aura_vad_take_interval (a->vad, &out->vad);
  aura_prosody_take_interval (a->prosody, &out->prosody);

  a->ses_m_max = fmax (a->ses_m_max, li.momentary_max);
  a->ses_s_max = fmax (a->ses_s_max, li.short_term_max);
  a->ses_true_peak = fmax (a->ses_true_peak, li.true_peak);
  aura_levels_merge (&a->ses_levels, &a->iv_levels);
  aura_levels_reset (&a->iv_levels);
  a->iv_frames = 0;
}

size_t
aura_analysis_take_pauses (AuraAnalysis * a, AuraPause * out, size_t max)
{
  return aura_vad_take_pauses (a->vad, out, max);
}

size_t
aura_analysis_take_fillers (AuraAnalysis * a, AuraSpan * out, size_t max)
{
  return aura_prosody_take_fillers (a->prosody, out, max);
}

uint64_t
aura_analysis_invalid_samples (const AuraAnalysis * a)
{
  return a->ses_levels.invalid + a->iv_levels.invalid;
}

void
aura_analysis_get_session (AuraAnalysis * a, AuraSessionResult * out)
{
  memset (out, 0, sizeof (*out));
  out->frames = a->ses_frames;
  out->levels = a->ses_levels;
  aura_levels_merge (&out->levels, &a->iv_levels);
  out->has_integrated = aura_loudness_integrated (a->loudness,
      &out->integrated_lufs);
  out->has_range = aura_loudness_range (a->loudness, &out->range_lu);
  out->true_peak =
      fmax (a->ses_true_peak, aura_loudness_true_peak (a->loudness));
  out->momentary_max_lufs = a->ses_m_max;
  out->short_term_max_lufs = a->ses_s_max;
  aura_vad_get_session (a->vad, &out->vad);
  aura_prosody_get_session (a->prosody, &out->prosody);
}
