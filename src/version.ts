declare const __COURSE_DOCTOR_VERSION__: string;

/** The package version, set by the build (and by vitest's config for tests). */
export const VERSION = typeof __COURSE_DOCTOR_VERSION__ === "string" ? __COURSE_DOCTOR_VERSION__ : "0.0.0-dev";

/** How snapshots and reports name the tool that made them. */
export const TOOL = `course-doctor ${VERSION}`;
