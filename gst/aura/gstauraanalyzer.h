/* AURA — auraanalyzer: measures how a person speaks. */
#ifndef __GST_AURA_ANALYZER_H__
#define __GST_AURA_ANALYZER_H__

#include <gst/gst.h>
#include <gst/audio/gstaudiofilter.h>

G_BEGIN_DECLS
#define GST_TYPE_AURA_ANALYZER (gst_aura_analyzer_get_type ())
G_DECLARE_FINAL_TYPE (GstAuraAnalyzer, gst_aura_analyzer, GST, AURA_ANALYZER,
    GstAudioFilter);

GST_ELEMENT_REGISTER_DECLARE (auraanalyzer);

G_END_DECLS
#endif /* __GST_AURA_ANALYZER_H__ */
