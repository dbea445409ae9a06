/**
 * A file upload with progress, for the widget's extras and the admin alike: fetch() reports
 * no upload progress, XMLHttpRequest does. Not part of the `<edge-chat>` component bundle.
 */

/**
 * POSTs a blob with upload progress; rejects with the server's message, status and error
 * code, or with `networkMessage` (and no status).
 */
export function postWithProgress(
  url: string,
  body: Blob,
  progress: (percent: number) => void,
  networkMessage: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.upload.onprogress = (e) => e.lengthComputable && progress(Math.round((e.loaded / e.total) * 100));
    xhr.onload = () => {
      if (xhr.status < 300) return resolve();
      let message = `HTTP ${xhr.status}`;
      let code: string | undefined;
      try {
        ({ message, code } = JSON.parse(xhr.responseText).error);
      } catch {}
      reject(Object.assign(new Error(message), { status: xhr.status, code }));
    };
    xhr.onerror = () => reject(new Error(networkMessage));
    xhr.send(body);
  });
}
