/**
 * A request body the JSON content-type parser kept as text for the decision thread. A class of
 * its own: fastify's text/plain parser also yields a string, and only JSON bodies are reviews.
 */
export class JsonText {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}
