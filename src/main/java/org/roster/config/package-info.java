/**
 * Checks on the configuration file as a whole (roster.yml, named by ROSTER_CONFIG).
 */
@NullMarked
package org.roster.config;

import org.jspecify.annotations.NullMarked;
