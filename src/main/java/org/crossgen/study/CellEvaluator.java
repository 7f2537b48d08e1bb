package org.crossgen.study;

import org.crossgen.eval.EvalResult;

/**
 * Evaluates a model on one cell. The study runner hands cells over grouped by model, so an
 * implementation may keep the last model loaded ({@link TorchCellEvaluator} does).
 */
@FunctionalInterface
public interface CellEvaluator {
    EvalResult evaluate(ModelRef model, EvalCell cell) throws Exception;
}
