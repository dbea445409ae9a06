<?php
$_['button_video'] = 'Видеоконсультация';
