package org.crossgen.report;

import org.crossgen.study.ResultRow;

/** An evaluation setting: prompt template and demonstrations per prompt. Tables are per setting. */
record Setting(int template, int shots) implements Comparable<Setting> {
    static Setting of(ResultRow r) {
        return new Setting(r.template(), r.shots());
    }

    String label() {
        return "template " + template + ", " + shots + "-shot";
    }

    /** For file names: {@code t1-s0}. */
    String slug() {
        return "t" + template + "-s" + shots;
    }

    @Override
    public int compareTo(Setting o) {
        int c = Integer.compare(template, o.template);
        return c != 0 ? c : Integer.compare(shots, o.shots);
    }
}
