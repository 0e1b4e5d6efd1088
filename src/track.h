/*
 * track.h
 *		The constant-time wait of public tracking (track.c).
 */
#ifndef TTHC_TRACK_H
#define TTHC_TRACK_H

extern void TrackInit(void);

#endif							/* TTHC_TRACK_H */
