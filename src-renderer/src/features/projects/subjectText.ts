// How the library shows a case's stored subject: "Subject P1" for a name as given (a clinical project), and a
// pseudonym as it is, since it reads as one already ("Subject 3f2a1b9c", a research project or a DICOM image's
// Patient ID).
import { isSubjectPseudonym } from '@core/deid/confidentiality-profile';

export function subjectText(subject: string): string {
  return isSubjectPseudonym(subject) ? subject : `Subject ${subject}`;
}
