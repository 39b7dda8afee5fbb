// Static bearer tokens in Kubernetes' --token-auth-file format: one CSV line per token,
// `token,user,uid[,"group1,group2"]`; blank lines and lines starting with # are skipped.
import { readFile } from "node:fs/promises";
import type { UserInfo } from "./user.js";

/** Splits one CSV record; double quotes group commas, "" inside quotes is a quote. */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      fields.push(field);
      field = "";
    } else field += c;
  }
  if (quoted) throw new Error("unterminated quote");
  fields.push(field);
  return fields;
}

/** The token → user map of a token file's text; throws naming the line on a bad record. */
export function parseTokenFile(text: string): Map<string, UserInfo> {
  const tokens = new Map<string, UserInfo>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    let fields: string[];
    try {
      fields = csvFields(line).map((f) => f.trim());
    } catch (err) {
      throw new Error(`token file line ${index + 1}: ${(err as Error).message}`);
    }
    const [token = "", name = "", uid = "", groups = ""] = fields;
    if (fields.length < 3 || token === "" || name === "") {
      throw new Error(`token file line ${index + 1}: want token,user,uid[,"groups"]`);
    }
    if (tokens.has(token)) throw new Error(`token file line ${index + 1}: duplicate token`);
    tokens.set(token, {
      name,
      ...(uid !== "" && { uid }),
      groups: groups
        .split(",")
        .map((g) => g.trim())
        .filter((g) => g !== ""),
    });
  });
  return tokens;
}

export async function loadTokenFile(path: string): Promise<Map<string, UserInfo>> {
  return parseTokenFile(await readFile(path, "utf8"));
}
