/**
 * The acceptance fixture of the build issue: the tutorial's Dockerfile on busybox, with a start
 * script that serves a page with busybox httpd on port 8000.
 */
export const FIXTURE = {
  Dockerfile: `FROM busybox
RUN mkdir -p /app/logs/
ADD pop-admin-server /usr/local/services/pop-admin-server/
COPY script/supervisord.ini /etc/supervisord.d/
COPY script/kick_start.sh /etc/kickStart.d/
# directories for imported files
RUN mkdir -p /usr/local/services/pop-admin-server/importfile
RUN mkdir -p /usr/local/services/pop-admin-server/upload
ENV GOLANG_PROTOBUF_REGISTRATION_CONFLICT warn
ENV LANG en_US.UTF-8
RUN chmod +x /etc/kickStart.d/kick_start.sh
EXPOSE 8000
CMD ["/etc/kickStart.d/kick_start.sh"]
`,
  "pop-admin-server/bin/server": "binary\n",
  "pop-admin-server/etc/app.conf": "port=8000\n",
  "script/supervisord.ini": "[program:pop]\n",
  "script/kick_start.sh": "#!/bin/sh\nmkdir -p /www && echo hello from berth > /www/index.html\nexec httpd -f -p 8000 -h /www\n",
};
