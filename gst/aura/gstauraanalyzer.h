/* AURA — auraanalyzer: measures how a person speaks. */
#ifndef __GST_AURA_ANALYZER_H__
#define __GST_AURA_ANALYZER_H__

#include <gst/gst.h>
#include <gst/audio/gstaudiofilter.h>

#include "dsp/aura-analysis.h"

G_BEGIN_DECLS

#define GST_TYPE_AURA_ANALYZER (gst_aura_analyzer_get_type ())
G_DECLARE_FINAL_TYPE (GstAuraAnalyzer, gst_aura_analyzer, GST, AURA_ANALYZER,
    GstAudioFilter)

struct _GstAuraAnalyzer
{
  GstAudioFilter parent;

  /* properties, protected by the object lock */
  GstClockTime interval;
  gboolean post_messages;
  GstClockTime min_pause;
  gboolean true_peak;

  /* streaming state: touched only by the streaming thread (and start/stop) */
  AuraAnalysis *analysis;
  gint rate;                    /* of the configured caps, 0 before */
  GstClockTime min_pause_applied;
  GstClockTime interval_applied;
  gboolean need_discont;        /* the next data restarts the clock */
  gboolean need_series;         /* the next data starts a new interval series */
  GstClockTime series_start;    /* timestamp of frame 0 of the interval series */
  guint64 series_frames;        /* frames since series_start */
  guint64 interval_start_frame; /* first frame of the open interval */
  guint64 interval_index;
  GstClockTime session_start;
  GstClockTime session_duration;
  guint intervals, discontinuities;
  gboolean warned_invalid;
  GArray *pauses;               /* AuraPause, seconds of stream time */
  GQueue pending_events;        /* metrics events waiting for their audio to pass */
};

GST_ELEMENT_REGISTER_DECLARE (auraanalyzer);

G_END_DECLS

#endif /* __GST_AURA_ANALYZER_H__ */
