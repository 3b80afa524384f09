/**
 * Homework: exercises students complete in the notebooks, checked with hints (see README,
 * "Homework for students" and "Homework for lecturers"). A homework notebook imports
 *   import * as hw from "./src/homework/index";
 * and calls hw.check / hw.checkHidden / hw.summary; a released stub throws hw.NotDoneYet.
 * @module homework
 */
export { NotDoneYet, isNotDoneYet } from "./notDone";
export {
  exercise,
  check,
  checkHidden,
  summary,
  runCheck,
  formatResult,
  getExercise,
  exerciseIds,
  seedOf,
  resetResults,
} from "./check";
export type {
  AnyFunction,
  Case,
  CaseResult,
  CaseStatus,
  CheckOptions,
  CheckResult,
  ExerciseSpec,
  Mistake,
} from "./check";
export { diagnose } from "./diagnose";
export { compareValues, describe, deepCopy, asTensor } from "./values";
export type { Tensor } from "./values";
export { describeStudentError } from "./studentError";
export { RESULT_MIME } from "./report";
export { byGrader } from "./byGrader";
import "./exercises/index";
export { submit, findHomeworkNotebook } from "./submit";
export type { SubmitReceipt } from "./submit";
