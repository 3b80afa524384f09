/**
 * Homework 05 · softmax regression experiments (notebooks/homework-masters/05-softmax-experiments.ipynb).
 *
 *   hw05-ex1  miniBatches(n, B, seed)              the index lists of one epoch (shuffled or in order)
 *   hw05-ex2  trainSoftmaxSgd(data, run)           mini-batch SGD on softmax regression, mean gradient
 *   hw05-ex3  batchSizeExperiment(train, test)     B = 1, 10, 100 on one budget of images (models, held-out score)
 *   hw05-ex4  sortedVsShuffled(train, test)        class-sorted stream vs shuffled (two models, a margin)
 *   hw05-ex5  onePerClass(train, test, seed)       ten training images (a model, a bar)
 *   hw05-ex6  confidentMistakes(P, y, k)           the k most confident mistakes of each true class
 *
 * The experiments (ex3-ex5) run on small MNIST subsets so a check takes well under a second:
 * 3,000 training images and 1,000 test images. Their bars were set from the reference over several
 * subsets and seeds (see each exercise) with a margin, and still fail the usual mistakes.
 */
import { exerciseIds } from "../../check";
export * from "./common";
export * from "./ex1-mini-batches";
export * from "./ex2-train-softmax-sgd";
export * from "./ex3-batch-size-experiment";
export * from "./ex4-sorted-vs-shuffled";
export * from "./ex5-one-per-class";
export * from "./ex6-confident-mistakes";
export * from "./ex7-stratified-split";

/**
 * The ids this homework registers. (A declaration ends the file: tslab rewrites a file's last expression statement, see
 * test/lastStatement.test.ts.)
 */
export const HW05_EXERCISES: readonly string[] = exerciseIds().filter((id) => id.startsWith("hw05-"));
